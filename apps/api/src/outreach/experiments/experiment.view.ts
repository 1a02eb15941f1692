import type { ExperimentRecord, StepExperiment, StepExperimentVariant } from '@outreach/db';
import { allowedExperimentActions, type ExperimentAction } from '@outreach/sequencing';

export type ExperimentVariantView = Omit<StepExperimentVariant, 'experiment' | 'prompt'>;

/** An experiment as the api answers it: its variants (by key) and what can be done next. */
export type ExperimentView = Omit<StepExperiment, 'step' | 'winnerVariant'> & {
  variants: ExperimentVariantView[];
  allowedActions: ExperimentAction[];
};

export function experimentView(record: ExperimentRecord): ExperimentView {
  return {
    // The entities are plain data holders: their own fields are the answer.
    // eslint-disable-next-line @typescript-eslint/no-misused-spread
    ...record.experiment,
    // eslint-disable-next-line @typescript-eslint/no-misused-spread
    variants: record.variants.map((variant) => ({ ...variant })),
    allowedActions: allowedExperimentActions(record.experiment.status),
  };
}
