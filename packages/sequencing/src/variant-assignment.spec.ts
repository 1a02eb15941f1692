import { randomUUID } from 'node:crypto';
import { pickVariant } from './variant-assignment.js';

describe('pickVariant', () => {
  const experiment = randomUUID();
  const variants = [
    { key: 'B', weight: 3 },
    { key: 'A', weight: 1 },
  ];

  it('gives the same enrollment the same variant, whatever the order of the list', () => {
    const enrollment = randomUUID();
    const first = pickVariant(experiment, enrollment, variants);
    expect(pickVariant(experiment, enrollment, [...variants].reverse()).key).toBe(first.key);
  });

  it('splits enrollments by weight (1:3 within a few percent over 20,000)', () => {
    let a = 0;
    for (let i = 0; i < 20_000; i += 1) {
      if (pickVariant(experiment, randomUUID(), variants).key === 'A') a += 1;
    }
    expect(a / 20_000).toBeGreaterThan(0.23);
    expect(a / 20_000).toBeLessThan(0.27);
  });

  it('depends on the experiment: another experiment reshuffles', () => {
    const enrollments = Array.from({ length: 200 }, () => randomUUID());
    const equal = [
      { key: 'A', weight: 1 },
      { key: 'B', weight: 1 },
    ];
    const other = randomUUID();
    const same = enrollments.filter(
      (e) => pickVariant(experiment, e, equal).key === pickVariant(other, e, equal).key,
    ).length;
    expect(same).toBeGreaterThan(60);
    expect(same).toBeLessThan(140);
  });

  it('refuses an experiment without variants', () => {
    expect(() => pickVariant(experiment, randomUUID(), [])).toThrow(/no variants/);
  });
});
