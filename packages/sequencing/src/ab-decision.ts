/**
 * Honest A/B decisions: a Bayesian Beta-Binomial model per variant, the probability that each
 * variant is the best, credible intervals, and a power calculation that says how many more
 * delivered messages each variant needs before a decision may be taken.
 *
 * Model: a variant with `conversions` out of `delivered` has the posterior
 * Beta(1 + conversions, 1 + delivered − conversions) (uniform prior). The probability that
 * variant i beats all the others is ∫ f_i(x) · Π_{j≠i} F_j(x) dx, computed by composite Simpson
 * integration (deterministic: no random draws, the same figures every time). The interval is
 * the equal-tailed credible interval at the experiment's confidence.
 *
 * Sample size: the classic two-sided two-proportion z-test sample (Fleiss, no continuity
 * correction) at significance 1 − confidence and 80 % power, for the experiment's minimum
 * detectable effect (an absolute difference of rates) around the pooled rate. A variant needs
 * max(minSamplePerVariant, that sample) delivered messages; until every variant has it, the
 * verdict is "not enough data yet" whatever the probabilities say (no peeking).
 *
 * The distributions (Beta density, CDF and quantile, the normal quantile) are jstat's; the api
 * and the worker (which completes experiments) both assess through this module.
 */
import jStat from 'jstat';

/** Statistical power of the sample-size calculation. */
export const AB_POWER = 0.8;
/** Simpson intervals of the probability-of-best integral. */
const INTEGRATION_STEPS = 2000;

export interface VariantCounts {
  variantId: string;
  key: string;
  /** Delivered messages: the denominator. */
  delivered: number;
  /** Unique human opens or human replies (the experiment's metric): the numerator. */
  conversions: number;
}

export interface DecisionSettings {
  /** Probability of being the best a winner needs; credible level; 1 − significance. 0.8–0.999. */
  confidence: number;
  /** Delivered messages each variant needs at least. */
  minSamplePerVariant: number;
  /** Absolute difference of rates the sample is sized to detect (0.05 = 5 points). */
  minimumDetectableEffect: number;
}

export interface VariantAssessment {
  variantId: string;
  key: string;
  delivered: number;
  conversions: number;
  /** conversions / delivered; null without deliveries. */
  rate: number | null;
  /** Equal-tailed credible interval of the rate at `confidence` (posterior Beta). */
  interval: { lower: number; upper: number; level: number };
  /** Probability that this variant's true rate is the highest; null with fewer than 2 variants. */
  probabilityBest: number | null;
  /** Delivered messages still needed before a decision (0 when it has enough). */
  sampleNeeded: number;
}

export type DecisionVerdict =
  /** Fewer than two variants: nothing to compare. */
  | 'single_variant'
  /** A variant lacks deliveries (minimum sample or power): no decision yet. */
  | 'not_enough_data'
  /** Enough data, and one variant is the best with probability ≥ confidence. */
  | 'winner'
  /** Enough data, but no variant reaches the confidence: the difference is too small to tell. */
  | 'no_clear_winner';

export interface ExperimentAssessment {
  verdict: DecisionVerdict;
  /** One sentence a user can read. */
  message: string;
  method: 'bayesian_beta_binomial';
  prior: 'beta(1,1)';
  confidence: number;
  power: number;
  minimumDetectableEffect: number;
  /** Pooled rate of all variants (the power calculation's baseline); null without deliveries. */
  baselineRate: number | null;
  /** max(minSamplePerVariant, the power calculation's sample). */
  requiredSamplePerVariant: number;
  powerSamplePerVariant: number;
  minSamplePerVariant: number;
  /** The variant with the highest probability of being best (null with fewer than 2, or a tie). */
  leaderVariantId: string | null;
  /** Set only when verdict is 'winner'. */
  winnerVariantId: string | null;
  variants: VariantAssessment[];
}

export class InvalidDecisionInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidDecisionInputError';
  }
}

/** Assesses an experiment's variants (see the module comment for the model and the rules). */
export function assessExperiment(
  counts: readonly VariantCounts[],
  settings: DecisionSettings,
): ExperimentAssessment {
  checkSettings(settings);
  for (const variant of counts) checkCounts(variant);
  const { confidence, minSamplePerVariant, minimumDetectableEffect } = settings;
  const delivered = counts.reduce((sum, v) => sum + v.delivered, 0);
  const conversions = counts.reduce((sum, v) => sum + v.conversions, 0);
  const baselineRate = delivered === 0 ? null : conversions / delivered;
  const powerSample = twoProportionSampleSize(
    baselineRate ?? 0,
    minimumDetectableEffect,
    confidence,
    AB_POWER,
  );
  const required = Math.max(minSamplePerVariant, powerSample);
  const probabilities = counts.length >= 2 ? probabilityBest(counts.map(posterior)) : null;
  const variants: VariantAssessment[] = counts.map((variant, index) => {
    const { a, b } = posterior(variant);
    return {
      variantId: variant.variantId,
      key: variant.key,
      delivered: variant.delivered,
      conversions: variant.conversions,
      rate: variant.delivered === 0 ? null : variant.conversions / variant.delivered,
      interval: {
        lower: betaQuantile((1 - confidence) / 2, a, b),
        upper: betaQuantile((1 + confidence) / 2, a, b),
        level: confidence,
      },
      probabilityBest: probabilities ? (probabilities[index] ?? null) : null,
      sampleNeeded: Math.max(0, required - variant.delivered),
    };
  });
  const base = {
    method: 'bayesian_beta_binomial' as const,
    prior: 'beta(1,1)' as const,
    confidence,
    power: AB_POWER,
    minimumDetectableEffect,
    baselineRate,
    requiredSamplePerVariant: required,
    powerSamplePerVariant: powerSample,
    minSamplePerVariant,
    variants,
  };
  if (counts.length < 2) {
    return {
      ...base,
      verdict: 'single_variant',
      message:
        counts.length === 0
          ? 'this experiment has no variants: nothing to compare'
          : 'this experiment has one variant: nothing to compare it with',
      leaderVariantId: null,
      winnerVariantId: null,
    };
  }
  const leader = leaderOf(variants);
  const pct = (value: number): string => `${(value * 100).toFixed(1)} %`;
  const short = variants.filter((v) => v.sampleNeeded > 0);
  if (short.length > 0) {
    const unsent = variants.filter((v) => v.delivered === 0).map((v) => v.key);
    return {
      ...base,
      verdict: 'not_enough_data',
      message:
        `not enough data yet: each variant needs ${required} delivered messages (${pct(confidence)} confidence, 80 % power, ` +
        `minimum detectable effect ${pct(minimumDetectableEffect)}); still needed: ${short
          .map((v) => `${v.key} ${v.sampleNeeded}`)
          .join(', ')}${unsent.length > 0 ? `; no deliveries yet for ${unsent.join(', ')}` : ''}`,
      leaderVariantId: leader?.variantId ?? null,
      winnerVariantId: null,
    };
  }
  if (leader && (leader.probabilityBest ?? 0) >= confidence) {
    return {
      ...base,
      verdict: 'winner',
      message: `${leader.key} wins: best with probability ${pct(leader.probabilityBest ?? 0)} (≥ ${pct(confidence)})`,
      leaderVariantId: leader.variantId,
      winnerVariantId: leader.variantId,
    };
  }
  return {
    ...base,
    verdict: 'no_clear_winner',
    message: `no clear winner: the leader${leader ? ` ${leader.key}` : ''} is best with probability ${pct(
      leader?.probabilityBest ?? 0,
    )}, below ${pct(confidence)}`,
    leaderVariantId: leader?.variantId ?? null,
    winnerVariantId: null,
  };
}

function leaderOf(variants: readonly VariantAssessment[]): VariantAssessment | null {
  let best: VariantAssessment | null = null;
  let tie = false;
  for (const variant of variants) {
    const p = variant.probabilityBest ?? 0;
    const bestP = best?.probabilityBest ?? -1;
    if (p > bestP + 1e-12) {
      best = variant;
      tie = false;
    } else if (Math.abs(p - bestP) <= 1e-12) tie = true;
  }
  return tie ? null : best;
}

function posterior(variant: VariantCounts): { a: number; b: number } {
  return { a: 1 + variant.conversions, b: 1 + variant.delivered - variant.conversions };
}

function checkSettings(settings: DecisionSettings): void {
  const { confidence, minSamplePerVariant, minimumDetectableEffect } = settings;
  if (!(confidence >= 0.8 && confidence <= 0.999)) {
    throw new InvalidDecisionInputError(`confidence must be from 0.8 to 0.999, got ${confidence}`);
  }
  if (!Number.isInteger(minSamplePerVariant) || minSamplePerVariant < 1) {
    throw new InvalidDecisionInputError(
      `minSamplePerVariant must be a positive integer, got ${minSamplePerVariant}`,
    );
  }
  if (!(minimumDetectableEffect >= 0.001 && minimumDetectableEffect <= 0.5)) {
    throw new InvalidDecisionInputError(
      `minimumDetectableEffect must be from 0.001 to 0.5, got ${minimumDetectableEffect}`,
    );
  }
}

function checkCounts(variant: VariantCounts): void {
  const { delivered, conversions } = variant;
  if (
    !Number.isInteger(delivered) ||
    !Number.isInteger(conversions) ||
    delivered < 0 ||
    conversions < 0 ||
    conversions > delivered
  ) {
    throw new InvalidDecisionInputError(
      `variant ${variant.key}: conversions (${conversions}) must be an integer from 0 to delivered (${delivered})`,
    );
  }
}

/**
 * Sample per group of a two-sided two-proportion z-test (Fleiss, no continuity correction):
 * significance 1 − confidence, the given power, rates p and p + mde (p − mde near 1). Rounded up.
 */
export function twoProportionSampleSize(
  baseline: number,
  mde: number,
  confidence: number,
  power: number,
): number {
  const p1 = baseline;
  const p2 = p1 + mde <= 1 ? p1 + mde : p1 - mde;
  const mean = (p1 + p2) / 2;
  const zAlpha = normalQuantile(1 - (1 - confidence) / 2);
  const zBeta = normalQuantile(power);
  const numerator =
    zAlpha * Math.sqrt(2 * mean * (1 - mean)) + zBeta * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
  return Math.ceil((numerator * numerator) / ((p1 - p2) * (p1 - p2)) - 1e-9);
}

/**
 * P(variant i has the highest rate) for independent Beta posteriors: Simpson integration of
 * f_i · Π F_j over the range where the posteriors have mass, normalised to sum to 1.
 */
export function probabilityBest(posteriors: readonly { a: number; b: number }[]): number[] {
  let lower = 1;
  let upper = 0;
  for (const { a, b } of posteriors) {
    // Mean ± 12 standard deviations: the mass left outside is negligible (< 1e-12).
    const mean = a / (a + b);
    const sd = Math.sqrt((a * b) / ((a + b) * (a + b) * (a + b + 1)));
    lower = Math.max(0, Math.min(lower, mean - 12 * sd));
    upper = Math.min(1, Math.max(upper, mean + 12 * sd));
  }
  if (upper <= lower) return posteriors.map(() => 1 / posteriors.length);
  const h = (upper - lower) / INTEGRATION_STEPS;
  const sums = posteriors.map(() => 0);
  for (let step = 0; step <= INTEGRATION_STEPS; step += 1) {
    const x = lower + step * h;
    const weight = step === 0 || step === INTEGRATION_STEPS ? 1 : step % 2 === 1 ? 4 : 2;
    const cdfs = posteriors.map(({ a, b }) => betaCdf(x, a, b));
    posteriors.forEach(({ a, b }, i) => {
      let others = 1;
      cdfs.forEach((cdf, j) => {
        if (j !== i) others *= cdf;
      });
      sums[i] = (sums[i] ?? 0) + weight * betaPdf(x, a, b) * others;
    });
  }
  const total = sums.reduce((sum, value) => sum + value, 0);
  return total > 0 ? sums.map((value) => value / total) : posteriors.map(() => 0);
}

/** Density of Beta(a, b) at x (jstat). */
export function betaPdf(x: number, a: number, b: number): number {
  return jStat.beta.pdf(x, a, b);
}

/** Regularised incomplete beta I_x(a, b): the CDF of Beta(a, b) (jstat). */
export function betaCdf(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  return jStat.beta.cdf(x, a, b);
}

/** Quantile of Beta(a, b) (jstat). */
export function betaQuantile(p: number, a: number, b: number): number {
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  return jStat.beta.inv(p, a, b);
}

/** Quantile of the standard normal distribution (jstat). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new InvalidDecisionInputError(`p must be in (0, 1), got ${p}`);
  return jStat.normal.inv(p, 0, 1);
}

/** A variant's figures as the stats read them; the metric picks the numerator. */
export interface VariantFigures {
  variantId: string;
  key: string;
  delivered: number;
  uniqueHumanOpens: number;
  humanReplies: number;
}

/**
 * assessExperiment on the experiment's metric: `open_rate` counts delivered messages with a
 * human open, `reply_rate` those with a human reply, both over delivered messages.
 */
export function assessExperimentMetric(
  metric: 'open_rate' | 'reply_rate',
  variants: readonly VariantFigures[],
  settings: DecisionSettings,
): ExperimentAssessment {
  return assessExperiment(
    variants.map((v) => ({
      variantId: v.variantId,
      key: v.key,
      delivered: v.delivered,
      conversions: metric === 'open_rate' ? v.uniqueHumanOpens : v.humanReplies,
    })),
    settings,
  );
}
