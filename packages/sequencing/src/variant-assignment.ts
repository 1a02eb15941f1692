import { createHash } from 'node:crypto';
import type { VariantShape } from './variant-weights.js';

/**
 * The variant an enrollment gets in an experiment: a point in [0, 1) from a SHA-256 hash of
 * `<experimentId>:<enrollmentId>`, laid over the variants' weights in key order. The same pair
 * always gets the same variant (whichever worker asks, however often), and over many enrollments
 * each variant's share tends to its weight. The engine stores the first answer
 * (enrollment_step_variant_assignments), so later weight changes do not move anyone.
 */
export function pickVariant<V extends VariantShape>(
  experimentId: string,
  enrollmentId: string,
  variants: readonly V[],
): V {
  if (variants.length === 0) throw new Error(`experiment ${experimentId} has no variants`);
  const ordered = [...variants].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const total = ordered.reduce((sum, variant) => sum + variant.weight, 0);
  const digest = createHash('sha256').update(`${experimentId}:${enrollmentId}`).digest();
  // 48 bits: exact in a double, far finer than any weight split.
  const point = (digest.readUIntBE(0, 6) / 2 ** 48) * total;
  let reached = 0;
  for (const variant of ordered) {
    reached += variant.weight;
    if (point < reached) return variant;
  }
  return ordered[ordered.length - 1] as V;
}
