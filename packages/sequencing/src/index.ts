// Public surface of @outreach/sequencing: pure campaign rules shared by the api and the worker
// (explicit names, no `export *`).
export {
  CAMPAIGN_ACTIONS,
  CAMPAIGN_STATUSES,
  InvalidCampaignTransitionError,
  allowedActions,
  deletable,
  startsSending,
  stepsEditable,
  transition,
} from './campaign-state.js';
export type { CampaignAction, CampaignStatus } from './campaign-state.js';
export { InvalidStepOrderError, validateStepOrder } from './step-order.js';
export type { StepOrderProblems } from './step-order.js';
