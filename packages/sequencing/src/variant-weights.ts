/** Weights of an A/B test's variants: positive integers up to this (the database CHECK). */
export const MAX_VARIANT_WEIGHT = 10_000;
/** At least two variants (an A/B test of one is no test) and at most this many. */
export const MAX_VARIANTS = 26;
const VARIANT_KEY = /^[A-Za-z0-9_-]{1,32}$/;

export interface VariantShape {
  key: string;
  weight: number;
}

/**
 * What is wrong with an experiment's variants, one sentence per problem (empty: fine): fewer
 * than two or more than MAX_VARIANTS, a key that is not 1–32 letters, digits, `_` or `-`, a key
 * used twice (case-sensitive, as the unique constraint), a weight that is not an integer from 1
 * to MAX_VARIANT_WEIGHT.
 */
export function variantProblems(variants: readonly VariantShape[]): string[] {
  const problems: string[] = [];
  if (variants.length < 2) {
    problems.push(`an experiment needs at least two variants (got ${variants.length})`);
  }
  if (variants.length > MAX_VARIANTS) {
    problems.push(`an experiment has at most ${MAX_VARIANTS} variants (got ${variants.length})`);
  }
  const seen = new Set<string>();
  variants.forEach((variant, index) => {
    if (!VARIANT_KEY.test(variant.key)) {
      problems.push(
        `variants[${index}].key must be 1 to 32 letters, digits, _ or - (got ${JSON.stringify(variant.key)})`,
      );
    } else if (seen.has(variant.key)) {
      problems.push(`variants[${index}].key ${variant.key} is used twice: keys must be unique`);
    }
    seen.add(variant.key);
    if (
      !Number.isInteger(variant.weight) ||
      variant.weight < 1 ||
      variant.weight > MAX_VARIANT_WEIGHT
    ) {
      problems.push(
        `variants[${index}].weight must be an integer from 1 to ${MAX_VARIANT_WEIGHT} (got ${String(variant.weight)})`,
      );
    }
  });
  return problems;
}
