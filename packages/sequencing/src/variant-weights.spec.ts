import { MAX_VARIANT_WEIGHT, variantProblems } from './variant-weights.js';

describe('variant weights and keys', () => {
  it('accepts two or more variants with unique keys and weights from 1 to 10000', () => {
    expect(
      variantProblems([
        { key: 'A', weight: 1 },
        { key: 'B', weight: MAX_VARIANT_WEIGHT },
        { key: 'c_3-x', weight: 50 },
      ]),
    ).toEqual([]);
  });

  it('refuses fewer than two variants', () => {
    expect(variantProblems([{ key: 'A', weight: 1 }])).toEqual([
      'an experiment needs at least two variants (got 1)',
    ]);
  });

  it.each([0, -1, 1.5, 10_001, Number.NaN])('refuses weight %p, naming the variant', (weight) => {
    expect(
      variantProblems([
        { key: 'A', weight: 1 },
        { key: 'B', weight },
      ]),
    ).toEqual([`variants[1].weight must be an integer from 1 to 10000 (got ${String(weight)})`]);
  });

  it('refuses duplicate and malformed keys', () => {
    expect(
      variantProblems([
        { key: 'A', weight: 1 },
        { key: 'A', weight: 1 },
        { key: 'no spaces', weight: 1 },
      ]),
    ).toEqual([
      'variants[1].key A is used twice: keys must be unique',
      'variants[2].key must be 1 to 32 letters, digits, _ or - (got "no spaces")',
    ]);
  });
});
