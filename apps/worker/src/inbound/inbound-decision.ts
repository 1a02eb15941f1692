import { DateTime } from 'luxon';
import type { Classification } from './inbound-classifier.js';

/**
 * What an inbound message of a class does to its enrollment, before the enrollment's own state
 * is looked at (InboundService applies it: the next step may not exit on reply, the enrollment
 * may already have ended):
 * - human_reply: exit (replied), colleagues too with the campaign's company-wide option;
 * - out_of_office with a return date: pause until the day after it; without one: record only;
 * - auto_reply: record only;
 * - hard_bounce: suppress the address and exit (bounced);
 * - soft_bounce: count it; three within the last five sends to the address act as a hard one;
 * - unsubscribe_request: suppress the address and exit (unsubscribed).
 */
export type PlannedAction =
  | { kind: 'exit-replied' }
  | { kind: 'pause'; returnsOn: string }
  | { kind: 'record' }
  | { kind: 'suppress-exit'; exitReason: 'bounced' | 'unsubscribed' }
  | { kind: 'soft-bounce' };

export function plannedAction(classification: Classification): PlannedAction {
  switch (classification.inboundClass) {
    case 'human_reply':
      return { kind: 'exit-replied' };
    case 'out_of_office':
      return classification.returnsOn
        ? { kind: 'pause', returnsOn: classification.returnsOn }
        : { kind: 'record' };
    case 'auto_reply':
      return { kind: 'record' };
    case 'hard_bounce':
      return { kind: 'suppress-exit', exitReason: 'bounced' };
    case 'soft_bounce':
      return { kind: 'soft-bounce' };
    case 'unsubscribe_request':
      return { kind: 'suppress-exit', exitReason: 'unsubscribed' };
  }
}

/** Soft bounces within the last five sends to an address that count as a hard bounce. */
export const SOFT_BOUNCE_LIMIT = 3;

/** The end of an out-of-office pause: the start of the day after the return date, in `zone`. */
export function pauseEnd(returnsOn: string, zone: string): Date {
  const day = DateTime.fromISO(returnsOn, { zone });
  if (!day.isValid) throw new Error(`not a date: ${returnsOn}`);
  return day.plus({ days: 1 }).startOf('day').toJSDate();
}

/** The thread's subject: without Re:/RE:/TR:/Fwd:/AW:/WG: prefixes (repeated), trimmed. */
export function threadSubject(subject: string | null): string {
  return (subject ?? '')
    .replace(/^(\s*(re|tr|fwd?|aw|wg|réf|ref)\s*(\[\d+\])?\s*[:：]\s*)+/iu, '')
    .replace(/\s+/g, ' ')
    .trim();
}
