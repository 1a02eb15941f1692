import {
  EXPERIMENT_ACTIONS,
  EXPERIMENT_STATUSES,
  InvalidExperimentTransitionError,
  allowedExperimentActions,
  experimentActive,
  experimentTransition,
  type ExperimentAction,
  type ExperimentStatus,
} from './experiment-state.js';

describe('experiment state machine', () => {
  it.each<[ExperimentStatus, ExperimentAction, ExperimentStatus]>([
    ['draft', 'start', 'running'],
    ['draft', 'stop', 'cancelled'],
    ['running', 'stop', 'cancelled'],
    ['running', 'winner', 'completed'],
  ])('%s --%s--> %s', (from, action, to) => {
    expect(experimentTransition(from, action)).toBe(to);
  });

  it('refuses every other pair, naming the status and the allowed actions', () => {
    let refused = 0;
    for (const status of EXPERIMENT_STATUSES) {
      for (const action of EXPERIMENT_ACTIONS) {
        if (allowedExperimentActions(status).includes(action)) continue;
        refused += 1;
        expect(() => experimentTransition(status, action)).toThrow(
          InvalidExperimentTransitionError,
        );
      }
    }
    expect(refused).toBe(8);
    expect(() => experimentTransition('draft', 'winner')).toThrow(
      'cannot declare a winner of an experiment that is draft: allowed actions: start, stop',
    );
    expect(() => experimentTransition('running', 'start')).toThrow(
      'cannot start an experiment that is running: allowed actions: stop, winner',
    );
    expect(() => experimentTransition('completed', 'stop')).toThrow(
      'cannot stop an experiment that is completed: it is final, no action is allowed',
    );
  });

  it('carries the status and allowed actions on the error', () => {
    try {
      experimentTransition('cancelled', 'start');
      throw new Error('expected a refusal');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidExperimentTransitionError);
      expect(error).toMatchObject({ status: 'cancelled', action: 'start', allowed: [] });
    }
  });

  it('lists the allowed actions in a stable order', () => {
    expect(allowedExperimentActions('draft')).toEqual(['start', 'stop']);
    expect(allowedExperimentActions('running')).toEqual(['stop', 'winner']);
    expect(allowedExperimentActions('completed')).toEqual([]);
    expect(allowedExperimentActions('cancelled')).toEqual([]);
  });

  it('treats draft and running as the step’s active experiment', () => {
    expect(EXPERIMENT_STATUSES.filter(experimentActive)).toEqual(['draft', 'running']);
  });
});
