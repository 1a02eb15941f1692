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
export {
  ENROLLMENT_ACTIONS,
  ENROLLMENT_STATUSES,
  InvalidEnrollmentTransitionError,
  allowedEnrollmentActions,
  enrollmentTransition,
} from './enrollment-state.js';
export type { EnrollmentAction, EnrollmentStatus } from './enrollment-state.js';
export { MAX_VARIANTS, MAX_VARIANT_WEIGHT, variantProblems } from './variant-weights.js';
export {
  EXPERIMENT_ACTIONS,
  EXPERIMENT_STATUSES,
  InvalidExperimentTransitionError,
  allowedExperimentActions,
  experimentActive,
  experimentTransition,
} from './experiment-state.js';
export type { ExperimentAction, ExperimentStatus } from './experiment-state.js';
export type { VariantShape } from './variant-weights.js';
export {
  InvalidSendingWindowError,
  OPENING_SEARCH_DAYS,
  effectiveWindow,
  isWithinWindow,
  localDay,
  nextOpening,
  stepDueAt,
} from './send-window.js';
export type { SendingWindow } from './send-window.js';
export { HOLIDAY_CODE, holidayCodeProblem, isPublicHoliday } from './public-holidays.js';
export { mailboxDailyAllowance, spacingDelayMs } from './mailbox-allowance.js';
export type { WarmupPlan } from './mailbox-allowance.js';
export { RETRY_BASE_MS, RETRY_MAX_MS, retryDelayMs } from './retry.js';
export { pickVariant } from './variant-assignment.js';
export {
  AB_POWER,
  InvalidDecisionInputError,
  assessExperiment,
  assessExperimentMetric,
  betaCdf,
  betaQuantile,
  normalQuantile,
  probabilityBest,
  twoProportionSampleSize,
} from './ab-decision.js';
export type {
  DecisionSettings,
  DecisionVerdict,
  ExperimentAssessment,
  VariantAssessment,
  VariantCounts,
  VariantFigures,
} from './ab-decision.js';
