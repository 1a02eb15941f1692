import {
  ENROLLMENT_ACTIONS,
  ENROLLMENT_STATUSES,
  InvalidEnrollmentTransitionError,
  allowedEnrollmentActions,
  enrollmentTransition,
  type EnrollmentAction,
  type EnrollmentStatus,
} from './enrollment-state.js';

describe('enrollment state machine', () => {
  it.each<[EnrollmentStatus, EnrollmentAction, EnrollmentStatus]>([
    ['active', 'pause', 'paused'],
    ['active', 'exit', 'exited'],
    ['paused', 'resume', 'active'],
    ['paused', 'exit', 'exited'],
  ])('%s --%s--> %s', (from, action, to) => {
    expect(enrollmentTransition(from, action)).toBe(to);
  });

  it('refuses every other pair, naming the allowed actions', () => {
    let refused = 0;
    for (const status of ENROLLMENT_STATUSES) {
      for (const action of ENROLLMENT_ACTIONS) {
        if (allowedEnrollmentActions(status).includes(action)) continue;
        refused += 1;
        expect(() => enrollmentTransition(status, action)).toThrow(
          InvalidEnrollmentTransitionError,
        );
      }
    }
    expect(refused).toBe(8);
    expect(() => enrollmentTransition('active', 'resume')).toThrow(
      'cannot resume an enrollment that is active: allowed actions: pause, exit',
    );
    expect(() => enrollmentTransition('exited', 'pause')).toThrow(
      'cannot pause an enrollment that is exited: it is final, no action is allowed',
    );
  });

  it('lists the allowed actions per status', () => {
    expect(allowedEnrollmentActions('active')).toEqual(['pause', 'exit']);
    expect(allowedEnrollmentActions('paused')).toEqual(['resume', 'exit']);
    expect(allowedEnrollmentActions('completed')).toEqual([]);
    expect(allowedEnrollmentActions('exited')).toEqual([]);
  });
});
