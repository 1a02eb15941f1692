// Public surface of @outreach/jobs (explicit names, no `export *`).
export {
  defineQueue,
  tenantJob,
  systemJob,
  jobKind,
  parseJobPayload,
  InvalidJobPayloadError,
  JobContractError,
} from './queue-contract.js';
export type {
  QueueContract,
  JobDefinition,
  JobDefinitions,
  JobKind,
  JobKindOf,
  JobName,
  JobPayload,
  JobInput,
  TenantJob,
  SystemJob,
  TenantJobName,
  SystemJobName,
  TenantJobPayload,
  TenantJobShape,
  SystemJobShape,
} from './queue-contract.js';
export {
  UNRECOVERABLE_JOB_ERROR_NAMES,
  isUnrecoverableJobError,
} from './unrecoverable-job.error.js';
export { JobProducer, JobQueueUnavailableError, DEFAULT_JOB_OPTIONS } from './job-producer.js';
export type { JobProducerOptions, EnqueueOptions, EnqueuedJob } from './job-producer.js';
export {
  QUEUE_PREFIX,
  LEGACY_QUEUE_PREFIX,
  redisConnectionOptions,
  queueConnection,
} from './redis-connection.js';
export type { RedisNode, RedisTarget, QueueConnection } from './redis-connection.js';
export { maintenanceQueue } from './maintenance.queue.js';
export type {
  AnalyzeNewTablesResult,
  EvaluateExperimentPayload,
  EvaluateExperimentResult,
  EvaluateExperimentsResult,
  HeartbeatPayload,
  HeartbeatResult,
  RollUpCampaignPayload,
  RollUpCampaignResult,
  RollUpCampaignStatsResult,
  SystemHeartbeatPayload,
  SystemHeartbeatResult,
} from './maintenance.queue.js';
export { importsQueue } from './imports.queue.js';
export type { ProcessImportPayload, ProcessImportResult } from './imports.queue.js';
export { deliveryQueue } from './delivery.queue.js';
export type { SendStepPayload, SendStepResult, ClaimDueTasksResult } from './delivery.queue.js';
export { inboundQueue, MAX_PUSHED_MESSAGE_BYTES } from './inbound.queue.js';
export type {
  InboundMessageResult,
  ProcessInboundMessagePayload,
  SyncMailboxPayload,
  SyncMailboxResult,
} from './inbound.queue.js';
export { ALL_QUEUES } from './queues.js';
