/** The statuses of outreach.campaign_enrollments (its CHECK constraint). */
export const ENROLLMENT_STATUSES = ['active', 'paused', 'completed', 'exited'] as const;
export type EnrollmentStatus = (typeof ENROLLMENT_STATUSES)[number];

/** What a user can do to one enrollment (one route each: `POST …/enrollments/:id/<action>`). */
export const ENROLLMENT_ACTIONS = ['pause', 'resume', 'exit'] as const;
export type EnrollmentAction = (typeof ENROLLMENT_ACTIONS)[number];

/**
 * The enrollment state machine, `from → action → to`:
 * - active: `pause` (→ paused, its tasks wait) or `exit` (→ exited, pending tasks cancelled);
 * - paused: `resume` (→ active) or `exit` (→ exited);
 * - completed (every step sent) and exited: nothing (terminal).
 */
const TRANSITIONS: Readonly<
  Record<EnrollmentStatus, Partial<Record<EnrollmentAction, EnrollmentStatus>>>
> = {
  active: { pause: 'paused', exit: 'exited' },
  paused: { resume: 'active', exit: 'exited' },
  completed: {},
  exited: {},
};

/** An action the enrollment's status does not allow; names the actions that it does. */
export class InvalidEnrollmentTransitionError extends Error {
  override readonly name = 'InvalidEnrollmentTransitionError';

  constructor(
    readonly status: EnrollmentStatus,
    readonly action: string,
    readonly allowed: readonly EnrollmentAction[],
  ) {
    super(
      `cannot ${action} an enrollment that is ${status}: ${
        allowed.length === 0
          ? 'it is final, no action is allowed'
          : `allowed actions: ${allowed.join(', ')}`
      }`,
    );
  }
}

/** The actions allowed from `status`, in ENROLLMENT_ACTIONS order. */
export function allowedEnrollmentActions(status: EnrollmentStatus): EnrollmentAction[] {
  const next = TRANSITIONS[status];
  return ENROLLMENT_ACTIONS.filter((action) => next[action] !== undefined);
}

/** The status `action` leads to from `status`; throws InvalidEnrollmentTransitionError otherwise. */
export function enrollmentTransition(
  status: EnrollmentStatus,
  action: EnrollmentAction,
): EnrollmentStatus {
  const next = TRANSITIONS[status][action];
  if (next === undefined) {
    throw new InvalidEnrollmentTransitionError(status, action, allowedEnrollmentActions(status));
  }
  return next;
}
