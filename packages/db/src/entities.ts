import { CampaignStatsChange } from './analytics/campaign-stats-change.entity.js';
import { CampaignStatsRollupState } from './analytics/campaign-stats-rollup-state.entity.js';
import { CampaignStatsRollup } from './analytics/campaign-stats-rollup.entity.js';
import { Company } from './crm/company.entity.js';
import { Person } from './crm/person.entity.js';
import { Position } from './crm/position.entity.js';
import { DailySend } from './delivery/daily-send.entity.js';
import { InboundActionRecord } from './delivery/inbound-action.entity.js';
import { Mailbox } from './delivery/mailbox.entity.js';
import { MailboxSyncState } from './delivery/mailbox-sync-state.entity.js';
import { Suppression } from './delivery/suppression.entity.js';
import { Organisation } from './iam/organisation.entity.js';
import { OrganisationUser } from './iam/organisation-user.entity.js';
import { User } from './iam/user.entity.js';
import { Import } from './imports/import.entity.js';
import { ImportRowError } from './imports/import-row-error.entity.js';
import { ImportRow } from './imports/import-row.entity.js';
import { Campaign } from './outreach/campaign.entity.js';
import { CampaignEnrollment } from './outreach/campaign-enrollment.entity.js';
import { EnrollmentStepVariantAssignment } from './outreach/enrollment-step-variant-assignment.entity.js';
import { Message } from './outreach/message.entity.js';
import { Prompt } from './outreach/prompt.entity.js';
import { StepExperiment } from './outreach/step-experiment.entity.js';
import { StepExperimentVariant } from './outreach/step-experiment-variant.entity.js';
import { Task } from './outreach/task.entity.js';
import { WorkflowStep } from './outreach/workflow-step.entity.js';
import { MessageOpenStats } from './tracking/message-open-stats.entity.js';
import { Pixel } from './tracking/pixel.entity.js';

/** Every entity of the data schemas (the DataSource loads this list; the drift test walks it). */
export const ENTITIES = [
  Organisation,
  User,
  OrganisationUser,
  Company,
  Person,
  Position,
  Campaign,
  Prompt,
  WorkflowStep,
  StepExperiment,
  StepExperimentVariant,
  CampaignEnrollment,
  EnrollmentStepVariantAssignment,
  Task,
  Message,
  Pixel,
  MessageOpenStats,
  Mailbox,
  Suppression,
  DailySend,
  MailboxSyncState,
  InboundActionRecord,
  Import,
  ImportRow,
  ImportRowError,
  CampaignStatsRollup,
  CampaignStatsRollupState,
  CampaignStatsChange,
] as const;
