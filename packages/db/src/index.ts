// Public surface of @outreach/db (explicit names, no `export *`).
export {
  createDataSource,
  statementTimeoutOf,
  DEFAULT_POOL_SIZE,
  DEFAULT_STATEMENT_TIMEOUT_MS,
} from './data-source.factory.js';
export type { DatabaseConfig } from './data-source.factory.js';
export {
  runInTenantTransaction,
  runInTenantTransactionWith,
  runTenantStatement,
  runTenantStatements,
} from './tenant-transaction.js';
export type {
  TenantTransactionOptions,
  OpeningRead,
  StatementMerge,
} from './tenant-transaction.js';
export { asOrganisationId, isUuid, UUID_PATTERN } from './organisation-id.js';
export type { OrganisationId } from './organisation-id.js';
export { ENTITIES } from './entities.js';
export { InvalidCursorError } from './errors/invalid-cursor.error.js';
export { InvalidInputError } from './errors/invalid-input.error.js';
export type { InvalidInputKind } from './errors/invalid-input.error.js';
export { databaseErrorCode, translateDatabaseError } from './errors/database-error.translator.js';
export { CursorCodec } from './repositories/cursor.codec.js';
export type { CursorPosition, SortDirection } from './repositories/cursor.codec.js';
export {
  OrganisationScopedRepository,
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
} from './repositories/organisation-scoped.repository.js';
export type {
  CreateInput,
  UpdateInput,
  ListOptions,
  Page,
  RepositoryDefinition,
  OrganisationOwned,
  RelationKeys,
} from './repositories/organisation-scoped.repository.js';
export { OrganisationRepository } from './repositories/organisation.repository.js';
export type { OrganisationInput } from './repositories/organisation.repository.js';
export { UserRepository } from './repositories/user.repository.js';
export type { UserInput } from './repositories/user.repository.js';
export { MembershipRepository } from './repositories/membership.repository.js';
export type {
  CallerMembership,
  Membership,
  MemberRecord,
} from './repositories/membership.repository.js';
export { CampaignLifecycleRepository } from './repositories/campaign-lifecycle.repository.js';
export { WorkflowStepRepository } from './repositories/workflow-step.repository.js';
export type {
  WorkflowStepInput,
  StepVariantRecord,
} from './repositories/workflow-step.repository.js';
export { ExperimentRepository } from './repositories/experiment.repository.js';
export type {
  ExperimentInput,
  ExperimentRecord,
  ExperimentDecisionSettings,
  ExperimentStatusChange,
  ExperimentVariantInput,
} from './repositories/experiment.repository.js';
export { PromptRepository } from './repositories/prompt.repository.js';
export type { PromptVersionInput } from './repositories/prompt.repository.js';
export {
  EnrollmentRepository,
  ENROLLMENT_SKIP_REASONS,
  MAX_ENROLLMENT_POSITION_IDS,
  USABLE_EMAIL_STATUSES,
} from './repositories/enrollment.repository.js';
export type {
  EnrollmentFilter,
  EnrollmentResult,
  EnrollmentSelection,
  EnrollmentSkipReason,
  FirstStep,
} from './repositories/enrollment.repository.js';
export { CampaignMessageRepository } from './repositories/campaign-message.repository.js';
export { exitEnrollment, EnrollmentExitRepository } from './repositories/enrollment-exit.js';
export type { EnrollmentExitInput } from './repositories/enrollment-exit.js';
export { OpenStatsRepository } from './repositories/open-stats.repository.js';
export type {
  CampaignOpenStats,
  MessageOpenStatsView,
  MessageOpenTally,
  OpenTotals,
  StepOpenStats,
  TrackedMessage,
  VariantOpenStats,
} from './repositories/open-stats.repository.js';
export {
  CampaignStatsRepository,
  LIVE_STATS_MAX_MESSAGES,
} from './repositories/campaign-stats.repository.js';
export type {
  CampaignOfMailboxStats,
  CampaignSpan,
  CampaignStats,
  DailySeries,
  DailyStats,
  ExperimentCounts,
  ExperimentVariantCount,
  MailboxStats,
  MailboxStatsView,
  Rate,
  RollupResult,
  StatsFigures,
  StatsFreshness,
  StepStats,
  VariantStats,
} from './repositories/campaign-stats.repository.js';
export { SendTaskRepository } from './repositories/send-task.repository.js';
export { newTrackingToken } from './tracking/tracking-token.js';
export { DailySend } from './delivery/daily-send.entity.js';
export type {
  SendTaskContext,
  SendMailbox,
  SendExperiment,
  ExistingSendMessage,
  OutboundMessageDraft,
  SendCounts,
  SendCaps,
  SendWithinCaps,
  SendTaskLookup,
  SentRecord,
} from './repositories/send-task.repository.js';
export type {
  CampaignMessageListOptions,
  MessageSummary,
} from './repositories/campaign-message.repository.js';
export { DiagnosticsRepository } from './repositories/diagnostics.repository.js';
export { ImportRepository } from './repositories/import.repository.js';
export type {
  ImportErrorCursor,
  ImportInput,
  ImportRowErrorRecord,
  StagedRow,
} from './repositories/import.repository.js';
export {
  mergeKeys,
  prepareMergeRows,
  ProspectMergeRepository,
  sharesMergeKeys,
} from './repositories/prospect-merge.repository.js';
export { PersonErasureRepository } from './repositories/person-erasure.repository.js';
export type { ErasureResult } from './repositories/person-erasure.repository.js';
export type {
  EntityCounts,
  MergeBatch,
  MergeResult,
  PreparedMergeRows,
  ProspectRecord,
} from './repositories/prospect-merge.repository.js';
export type { TransactionSnapshot } from './repositories/diagnostics.repository.js';
export { createRepositories } from './repositories/repositories.factory.js';
export type { Repositories } from './repositories/repositories.factory.js';

// Entities (one per table) and the allowed values of every CHECK-listed column.
export { Organisation } from './iam/organisation.entity.js';
export { User } from './iam/user.entity.js';
export { OrganisationUser } from './iam/organisation-user.entity.js';
export { ORGANISATION_ROLES, MEMBERSHIP_STATUSES } from './iam/organisation-role.js';
export type { OrganisationRole, MembershipStatus } from './iam/organisation-role.js';
export { Company } from './crm/company.entity.js';
export { Person } from './crm/person.entity.js';
export { Position } from './crm/position.entity.js';
export { COMPANY_EMPLOYEE_RANGES } from './crm/company-employee-range.js';
export type { CompanyEmployeeRange } from './crm/company-employee-range.js';
export { POSITION_EMAIL_STATUSES, POSITION_STATUSES } from './crm/position-status.js';
export type { PositionEmailStatus, PositionStatus } from './crm/position-status.js';
export { Campaign } from './outreach/campaign.entity.js';
export { Prompt } from './outreach/prompt.entity.js';
export { WorkflowStep } from './outreach/workflow-step.entity.js';
export { StepExperiment } from './outreach/step-experiment.entity.js';
export { StepExperimentVariant } from './outreach/step-experiment-variant.entity.js';
export { CampaignEnrollment } from './outreach/campaign-enrollment.entity.js';
export { EnrollmentStepVariantAssignment } from './outreach/enrollment-step-variant-assignment.entity.js';
export { Task } from './outreach/task.entity.js';
export { Message } from './outreach/message.entity.js';
export { CAMPAIGN_STATUSES } from './outreach/campaign-status.js';
export type { CampaignStatus } from './outreach/campaign-status.js';
export { PROMPT_PURPOSES } from './outreach/prompt-purpose.js';
export type { PromptPurpose } from './outreach/prompt-purpose.js';
export {
  STEP_EXPERIMENT_STATUSES,
  STEP_EXPERIMENT_METRICS,
} from './outreach/step-experiment-status.js';
export type {
  StepExperimentStatus,
  StepExperimentMetric,
} from './outreach/step-experiment-status.js';
export { ENROLLMENT_STATUSES, ENROLLMENT_EXIT_REASONS } from './outreach/enrollment-status.js';
export type { EnrollmentStatus, EnrollmentExitReason } from './outreach/enrollment-status.js';
export { TASK_KINDS, TASK_STATUSES } from './outreach/task-status.js';
export type { TaskKind, TaskStatus } from './outreach/task-status.js';
export {
  INBOUND_CLASSES,
  MESSAGE_DIRECTIONS,
  MESSAGE_STATUSES,
} from './outreach/message-status.js';
export type { InboundClass, MessageDirection, MessageStatus } from './outreach/message-status.js';
export { InboundMailRepository } from './repositories/inbound-mail.repository.js';
export type {
  FolderSyncState,
  InboundActionInput,
  InboundEnrollment,
  InboundMailbox,
  InboundMessageRow,
  OutboundMatch,
} from './repositories/inbound-mail.repository.js';
export { MailboxSyncState } from './delivery/mailbox-sync-state.entity.js';
export { InboundActionRecord } from './delivery/inbound-action.entity.js';
export { Mailbox } from './delivery/mailbox.entity.js';
export { Suppression } from './delivery/suppression.entity.js';
export {
  SuppressionRepository,
  SUPPRESSION_BATCH_SIZE,
  domainsOf,
} from './repositories/suppression.repository.js';
export type { SuppressionEntry } from './repositories/suppression.repository.js';
export { normaliseSuppressionValue } from './delivery/suppression-value.js';
export type { NormalisedSuppression } from './delivery/suppression-value.js';
export {
  MAIL_SECURITY_MODES,
  MAILBOX_STATUSES,
  SUPPRESSION_KINDS,
  SUPPRESSION_REASONS,
} from './delivery/delivery-values.js';
export type {
  MailSecurityMode,
  MailboxStatus,
  SuppressionKind,
  SuppressionReason,
} from './delivery/delivery-values.js';
export { Import } from './imports/import.entity.js';
export { ImportRow } from './imports/import-row.entity.js';
export { ImportRowError } from './imports/import-row-error.entity.js';
export {
  IMPORT_DELIMITERS,
  IMPORT_ENCODINGS,
  IMPORT_STATUSES,
  LEGAL_BASES,
} from './imports/import-values.js';
export type {
  ImportColumnMapping,
  ImportDelimiter,
  ImportEncoding,
  ImportStatus,
  LegalBasis,
} from './imports/import-values.js';
export { Pixel } from './tracking/pixel.entity.js';
export { MessageOpenStats } from './tracking/message-open-stats.entity.js';
export { OPEN_KINDS, OPEN_IP_CLASSES, OPEN_REASONS } from './tracking/open-kind.js';
export type { OpenKind, OpenIpClass, OpenReason } from './tracking/open-kind.js';
