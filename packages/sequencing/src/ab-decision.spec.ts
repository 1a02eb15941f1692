import jStat from 'jstat';
import {
  assessExperiment,
  betaCdf,
  betaQuantile,
  InvalidDecisionInputError,
  normalQuantile,
  probabilityBest,
  twoProportionSampleSize,
} from './ab-decision.js';

/**
 * Exact P(p_B > p_A) for p_A ~ Beta(aA, bA), p_B ~ Beta(aB, bB) with integer aB (Evan Miller,
 * "Formulas for Bayesian A/B testing"): Σ_{i=0}^{aB−1} B(aA+i, bA+bB) / ((bB+i) B(1+i, bB) B(aA, bA)).
 */
function exactProbabilityBBeatsA(aA: number, bA: number, aB: number, bB: number): number {
  const lnB = (x: number, y: number): number => jStat.betaln(x, y);
  let total = 0;
  for (let i = 0; i < aB; i += 1) {
    total += Math.exp(lnB(aA + i, bA + bB) - Math.log(bB + i) - lnB(1 + i, bB) - lnB(aA, bA));
  }
  return total;
}

const settings = { confidence: 0.95, minSamplePerVariant: 100, minimumDetectableEffect: 0.05 };

describe('distributions', () => {
  it('gives the textbook normal quantiles', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 6);
    expect(normalQuantile(0.8)).toBeCloseTo(0.841621, 6);
    expect(normalQuantile(0.005)).toBeCloseTo(-2.575829, 6);
  });

  it('gives closed-form Beta CDFs and quantiles', () => {
    expect(betaCdf(0.3, 2, 1)).toBeCloseTo(0.09, 12); // x²
    expect(betaCdf(0.5, 40, 40)).toBeCloseTo(0.5, 8); // jstat: continued fraction to ~1e-9
    expect(betaCdf(0.2, 1, 3)).toBeCloseTo(1 - 0.8 ** 3, 12);
    expect(betaQuantile(0.25, 2, 1)).toBeCloseTo(0.5, 10); // √0.25
    expect(betaQuantile(0.975, 1, 1)).toBeCloseTo(0.975, 10);
  });
});

describe('probabilityBest', () => {
  it('matches the exact two-variant formula', () => {
    // 10/100 vs 15/100 opens, and 200/1000 vs 230/1000.
    for (const [xa, na, xb, nb] of [
      [10, 100, 15, 100],
      [200, 1000, 230, 1000],
      [3, 20, 1, 25],
    ] as const) {
      const a = { a: 1 + xa, b: 1 + na - xa };
      const b = { a: 1 + xb, b: 1 + nb - xb };
      const [pA, pB] = probabilityBest([a, b]);
      expect(pB).toBeCloseTo(exactProbabilityBBeatsA(a.a, a.b, b.a, b.b), 5);
      expect((pA ?? 0) + (pB ?? 0)).toBeCloseTo(1, 12);
    }
  });

  it('splits evenly between identical variants', () => {
    const p = probabilityBest([
      { a: 11, b: 91 },
      { a: 11, b: 91 },
      { a: 11, b: 91 },
    ]);
    for (const value of p) expect(value).toBeCloseTo(1 / 3, 6);
  });
});

describe('twoProportionSampleSize', () => {
  it('gives the textbook 686 per group for 10 % vs 15 % at α = 0.05 and 80 % power', () => {
    expect(twoProportionSampleSize(0.1, 0.05, 0.95, 0.8)).toBe(686);
  });
});

describe('assessExperiment', () => {
  const variant = (key: string, delivered: number, conversions: number) => ({
    variantId: `id-${key}`,
    key,
    delivered,
    conversions,
  });

  it('says one variant has nothing to compare with', () => {
    const result = assessExperiment([variant('A', 50, 5)], settings);
    expect(result.verdict).toBe('single_variant');
    expect(result.variants[0]?.probabilityBest).toBeNull();
    expect(result.message).toMatch(/one variant/);
  });

  it('asks for more data, per variant, while underpowered — and names a variant with no sends', () => {
    const result = assessExperiment([variant('A', 120, 30), variant('B', 0, 0)], settings);
    expect(result.verdict).toBe('not_enough_data');
    expect(result.variants[1]?.rate).toBeNull();
    const required = result.requiredSamplePerVariant;
    expect(required).toBe(twoProportionSampleSize(0.25, 0.05, 0.95, 0.8));
    expect(result.variants.map((v) => v.sampleNeeded)).toEqual([required - 120, required]);
    expect(result.message).toMatch(/no deliveries yet for B/);
    expect(result.winnerVariantId).toBeNull();
  });

  it('declares a winner at the confidence with enough data, and no clear winner when too close', () => {
    const loose = { ...settings, minimumDetectableEffect: 0.2 };
    const clear = assessExperiment([variant('A', 200, 40), variant('B', 200, 80)], loose);
    expect(clear.verdict).toBe('winner');
    expect(clear.winnerVariantId).toBe('id-B');
    expect(clear.variants[1]?.probabilityBest).toBeGreaterThan(0.999);
    const close = assessExperiment([variant('A', 200, 40), variant('B', 200, 44)], loose);
    expect(close.verdict).toBe('no_clear_winner');
    expect(close.leaderVariantId).toBe('id-B');
    expect(close.winnerVariantId).toBeNull();
  });

  it('gives credible intervals around the rate, and none outside [0, 1]', () => {
    const result = assessExperiment([variant('A', 0, 0), variant('B', 10, 10)], settings);
    const [a, b] = result.variants;
    expect(a?.interval.lower).toBeCloseTo(0.025, 9);
    expect(a?.interval.upper).toBeCloseTo(0.975, 9);
    expect(b?.interval.upper).toBeLessThanOrEqual(1);
    expect(b?.interval.lower).toBeCloseTo(0.025 ** (1 / 11), 9); // Beta(11, 1): x^11
  });

  it('refuses impossible counts and settings', () => {
    expect(() => assessExperiment([variant('A', 5, 6)], settings)).toThrow(
      InvalidDecisionInputError,
    );
    expect(() => assessExperiment([], { ...settings, confidence: 0.5 })).toThrow(/confidence/);
  });
});
