/** Why a requested step order is refused: each kind lists the ids concerned. */
export interface StepOrderProblems {
  /** Ids given more than once. */
  duplicates: string[];
  /** Ids that are not steps of the campaign. */
  unknown: string[];
  /** Steps of the campaign left out of the order (it must name every step: no gaps). */
  missing: string[];
}

/** A reorder that is not a permutation of exactly the campaign's step ids. */
export class InvalidStepOrderError extends Error {
  override readonly name = 'InvalidStepOrderError';

  constructor(readonly problems: StepOrderProblems) {
    const parts = [
      problems.duplicates.length > 0 ? `duplicated: ${problems.duplicates.join(', ')}` : null,
      problems.unknown.length > 0
        ? `not steps of this campaign: ${problems.unknown.join(', ')}`
        : null,
      problems.missing.length > 0 ? `missing: ${problems.missing.join(', ')}` : null,
    ].filter((part): part is string => part !== null);
    super(
      `stepIds must list every step of the campaign exactly once, in the new order (${parts.join('; ')})`,
    );
  }
}

/**
 * Checks that `requested` is a permutation of exactly `current` (the campaign's step ids): no
 * duplicate, no unknown id, none left out. Returns the order to store: `requested[i]` gets
 * step_order `i + 1`, so the orders have no gaps. Throws InvalidStepOrderError listing every
 * problem at once.
 */
export function validateStepOrder(
  current: readonly string[],
  requested: readonly string[],
): { stepId: string; stepOrder: number }[] {
  const known = new Set(current);
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  const unknown = new Set<string>();
  for (const id of requested) {
    if (seen.has(id)) duplicates.add(id);
    seen.add(id);
    if (!known.has(id)) unknown.add(id);
  }
  const missing = current.filter((id) => !seen.has(id));
  if (duplicates.size > 0 || unknown.size > 0 || missing.length > 0) {
    throw new InvalidStepOrderError({
      duplicates: [...duplicates],
      unknown: [...unknown],
      missing,
    });
  }
  return requested.map((stepId, index) => ({ stepId, stepOrder: index + 1 }));
}
