// Public surface of @outreach/db/system: the cross-organisation door (explicit names).
export { SystemDatabase } from './system-database.js';
export type {
  ClaimDueTasksOptions,
  ClaimedTask,
  ResolvedTrackingToken,
  UserMembership,
} from './system-database.js';
