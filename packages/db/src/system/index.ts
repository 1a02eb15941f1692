// Public surface of @outreach/db/system: the cross-organisation door (explicit names).
export {
  SystemDatabase,
  isTrackingTokenFormat,
  MAX_TOKENS_PER_RESOLVE,
} from './system-database.js';
export type {
  CampaignToRollUp,
  ClaimDueTasksOptions,
  ClaimedTask,
  MailboxRef,
  ExperimentToEvaluate,
  ResolvedTrackingToken,
  UserMembership,
} from './system-database.js';
