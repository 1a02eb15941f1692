/** The statuses of outreach.step_experiments (its CHECK constraint), in lifecycle order. */
export const EXPERIMENT_STATUSES = ['draft', 'running', 'completed', 'cancelled'] as const;
export type ExperimentStatus = (typeof EXPERIMENT_STATUSES)[number];

/** What a user can do to an experiment (one route each: `POST …/experiments/:id/<action>`). */
export const EXPERIMENT_ACTIONS = ['start', 'stop', 'winner'] as const;
export type ExperimentAction = (typeof EXPERIMENT_ACTIONS)[number];

/**
 * The A/B experiment state machine, `from → action → to`:
 * - draft: `start` (→ running, variants are assigned from now on) or `stop` (→ cancelled);
 * - running: `stop` (→ cancelled, no winner) or `winner` (→ completed with the winning variant);
 * - completed, cancelled: nothing (final; a new experiment can then be created on the step).
 */
const TRANSITIONS: Readonly<
  Record<ExperimentStatus, Partial<Record<ExperimentAction, ExperimentStatus>>>
> = {
  draft: { start: 'running', stop: 'cancelled' },
  running: { stop: 'cancelled', winner: 'completed' },
  completed: {},
  cancelled: {},
};

/** An action the experiment's status does not allow; names its status and the allowed actions. */
export class InvalidExperimentTransitionError extends Error {
  override readonly name = 'InvalidExperimentTransitionError';

  constructor(
    readonly status: ExperimentStatus,
    readonly action: string,
    readonly allowed: readonly ExperimentAction[],
  ) {
    super(
      `cannot ${action === 'winner' ? 'declare a winner of' : action} an experiment that is ${status}: ${
        allowed.length === 0
          ? 'it is final, no action is allowed'
          : `allowed actions: ${allowed.join(', ')}`
      }`,
    );
  }
}

/** The actions allowed from `status`, in EXPERIMENT_ACTIONS order. */
export function allowedExperimentActions(status: ExperimentStatus): ExperimentAction[] {
  const next = TRANSITIONS[status];
  return EXPERIMENT_ACTIONS.filter((action) => next[action] !== undefined);
}

/** The status `action` leads to; throws InvalidExperimentTransitionError otherwise. */
export function experimentTransition(
  status: ExperimentStatus,
  action: ExperimentAction,
): ExperimentStatus {
  const next = TRANSITIONS[status][action];
  if (next === undefined) {
    throw new InvalidExperimentTransitionError(status, action, allowedExperimentActions(status));
  }
  return next;
}

/**
 * Draft and running experiments are the step's current one (at most one per step, the partial
 * unique index step_experiments_active_step_key): their variants are checked before a campaign
 * sends, and they block a second experiment on the step.
 */
export function experimentActive(status: ExperimentStatus): boolean {
  return status === 'draft' || status === 'running';
}
