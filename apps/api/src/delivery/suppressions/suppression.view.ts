import type { Suppression, SuppressionKind, SuppressionReason } from '@outreach/db';

/** A suppression as the api answers it. */
export interface SuppressionView {
  id: string;
  kind: SuppressionKind;
  value: string;
  reason: SuppressionReason;
  note: string | null;
  sourceMessageId: string | null;
  createdAt: Date;
}

export function suppressionView(row: Suppression): SuppressionView {
  return {
    id: row.id,
    kind: row.kind,
    value: row.value,
    reason: row.reason,
    note: row.note,
    sourceMessageId: row.sourceMessageId,
    createdAt: row.createdAt,
  };
}
