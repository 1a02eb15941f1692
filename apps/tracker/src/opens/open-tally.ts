import type { MessageOpenTally } from '@outreach/db';
import type { OpenClassification } from './open-classifier.js';

/** One open ready to be counted: its message is known and its classification final. */
export interface ClassifiedOpen {
  messageId: string;
  openedAt: number;
  classification: OpenClassification;
  userAgent: string | null;
  ipNetwork: string | null;
}

/** Adds the opens up per message: one tally each, as OpenStatsRepository.record wants them. */
export function tallyOpens(opens: readonly ClassifiedOpen[]): MessageOpenTally[] {
  const tallies = new Map<string, MessageOpenTally>();
  for (const open of opens) {
    const at = new Date(open.openedAt);
    const human = open.classification.kind === 'human';
    const tally = tallies.get(open.messageId);
    if (!tally) {
      tallies.set(open.messageId, {
        messageId: open.messageId,
        human: human ? 1 : 0,
        proxy: open.classification.kind === 'proxy' ? 1 : 0,
        bot: open.classification.kind === 'bot' ? 1 : 0,
        firstOpenAt: at,
        lastOpenAt: at,
        firstHumanOpenAt: human ? at : null,
        lastHumanOpenAt: human ? at : null,
        ...lastDetails(open),
      });
      continue;
    }
    tally[open.classification.kind] += 1;
    if (at < tally.firstOpenAt) tally.firstOpenAt = at;
    if (at >= tally.lastOpenAt) {
      tally.lastOpenAt = at;
      Object.assign(tally, lastDetails(open));
    }
    if (human) {
      if (tally.firstHumanOpenAt === null || at < tally.firstHumanOpenAt)
        tally.firstHumanOpenAt = at;
      if (tally.lastHumanOpenAt === null || at > tally.lastHumanOpenAt) tally.lastHumanOpenAt = at;
    }
  }
  return [...tallies.values()];
}

function lastDetails(open: ClassifiedOpen) {
  return {
    lastKind: open.classification.kind,
    lastReason: open.classification.reason,
    lastUserAgent: open.userAgent,
    lastIpClass: open.classification.ipClass,
    lastIpNetwork: open.ipNetwork,
  };
}
