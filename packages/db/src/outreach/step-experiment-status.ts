/** outreach.step_experiments.status (CHECK step_experiments_status_check). */
export const STEP_EXPERIMENT_STATUSES = ['draft', 'running', 'completed', 'cancelled'] as const;
export type StepExperimentStatus = (typeof STEP_EXPERIMENT_STATUSES)[number];
/** outreach.step_experiments.metric (CHECK step_experiments_metric_check). */
export const STEP_EXPERIMENT_METRICS = ['open_rate', 'reply_rate'] as const;
export type StepExperimentMetric = (typeof STEP_EXPERIMENT_METRICS)[number];
