import { InvalidStepOrderError, validateStepOrder } from './step-order.js';

describe('validateStepOrder', () => {
  const current = ['a', 'b', 'c'];

  it('numbers a permutation from 1 without gaps', () => {
    expect(validateStepOrder(current, ['c', 'a', 'b'])).toEqual([
      { stepId: 'c', stepOrder: 1 },
      { stepId: 'a', stepOrder: 2 },
      { stepId: 'b', stepOrder: 3 },
    ]);
  });

  it('accepts the empty order of a campaign without steps', () => {
    expect(validateStepOrder([], [])).toEqual([]);
  });

  function problems(requested: string[]): unknown {
    try {
      validateStepOrder(current, requested);
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidStepOrderError);
      return (error as InvalidStepOrderError).problems;
    }
    throw new Error('accepted');
  }

  it('refuses duplicates', () => {
    expect(problems(['a', 'a', 'b', 'c'])).toEqual({ duplicates: ['a'], unknown: [], missing: [] });
  });

  it('refuses unknown ids', () => {
    expect(problems(['a', 'b', 'c', 'x'])).toEqual({ duplicates: [], unknown: ['x'], missing: [] });
  });

  it('refuses a gap (a step left out)', () => {
    expect(problems(['a', 'c'])).toEqual({ duplicates: [], unknown: [], missing: ['b'] });
  });

  it('lists every problem at once in the message', () => {
    expect(() => validateStepOrder(current, ['a', 'a', 'x'])).toThrow(
      'stepIds must list every step of the campaign exactly once, in the new order (duplicated: a; not steps of this campaign: x; missing: b, c)',
    );
  });
});
