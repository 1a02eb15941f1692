import type { SendCounts, SendMailbox, SendTaskContext } from '@outreach/db';
import {
  effectiveWindow,
  InvalidSendingWindowError,
  isWithinWindow,
  localDay,
  mailboxDailyAllowance,
  nextOpening,
  spacingDelayMs,
  type SendingWindow,
} from '@outreach/sequencing';

/** How long a task waits before it looks again at something only a person can change. */
export const RECHECK_MS = 15 * 60_000;

/** Enrollment exit reasons (outreach.campaign_enrollments.exit_reason). */
export type ExitReason =
  'replied' | 'bounced' | 'unsubscribed' | 'invalid_email' | 'manual' | 'error';

/**
 * What to do with a claimed task before anything is written or sent:
 * - `go`: send now;
 * - `defer`: give the task back until `until`, its attempt not used (outside the window, a
 *   paused campaign or enrollment, a mailbox not ready);
 * - `cancel`: the task no longer has a purpose (enrollment ended, campaign over);
 * - `skip`: this prospect must not get it (suppressed, replied, no address): the task is skipped
 *   and the enrollment exits with `exit`.
 */
export type Gate =
  | { action: 'go'; window: SendingWindow }
  | { action: 'defer'; until: Date; reason: string }
  | { action: 'cancel'; reason: string }
  | { action: 'skip'; reason: string; exit: ExitReason };

/** The campaign's sending window, in the prospect's timezone when known. */
export function windowOf(context: SendTaskContext): SendingWindow {
  const { campaign } = context;
  return effectiveWindow(
    {
      timezone: campaign.timezone,
      // PostgreSQL time text, whole seconds (the api takes HH:MM).
      start: campaign.sendingWindowStart.slice(0, 8),
      end: campaign.sendingWindowEnd.slice(0, 8),
      days: campaign.sendingDays,
      publicHolidays: campaign.publicHolidays,
    },
    context.person.timezone,
  );
}

const SUPPRESSION_EXITS: Record<string, ExitReason> = {
  unsubscribed: 'unsubscribed',
  complaint: 'unsubscribed',
  hard_bounce: 'bounced',
  erased: 'manual',
  manual: 'manual',
};

/**
 * The engine's re-check of everything that may have changed since the task was scheduled, in
 * this order: the enrollment and the campaign still running, the address present and not
 * suppressed (address or domain), no reply when the step exits on reply, a mailbox ready to send,
 * and the sending window (in the prospect's timezone when known). Caps and spacing come after,
 * under the mailbox lock.
 */
export function gate(context: SendTaskContext, now: Date): Gate {
  const { enrollment, campaign, position, mailbox } = context;
  const later = new Date(now.getTime() + RECHECK_MS);
  if (enrollment.status === 'exited' || enrollment.status === 'completed') {
    return { action: 'cancel', reason: `the enrollment is ${enrollment.status}` };
  }
  if (
    campaign.status === 'draft' ||
    campaign.status === 'completed' ||
    campaign.status === 'archived'
  ) {
    return { action: 'cancel', reason: `the campaign is ${campaign.status}` };
  }
  if (campaign.status === 'paused') {
    return { action: 'defer', until: later, reason: 'waiting: the campaign is paused' };
  }
  if (enrollment.status === 'paused') {
    // An automatic pause (an out-of-office) ends by itself: the context read lifts it once
    // paused_until has passed, so the task waits until then, not a fixed recheck.
    const until = enrollment.pausedUntil ? new Date(enrollment.pausedUntil) : null;
    if (until && until.getTime() > now.getTime()) {
      return {
        action: 'defer',
        until,
        reason: `waiting: the enrollment is paused until ${until.toISOString()} (out of office)`,
      };
    }
    return { action: 'defer', until: later, reason: 'waiting: the enrollment is paused' };
  }
  if (!position.email) {
    return { action: 'skip', reason: 'the position has no e-mail address', exit: 'invalid_email' };
  }
  if (context.suppression) {
    const { kind, value, reason } = context.suppression;
    return {
      action: 'skip',
      reason: `suppressed: ${kind} ${value} (${reason})`,
      exit: SUPPRESSION_EXITS[reason] ?? 'manual',
    };
  }
  if (context.replied && context.step.exitOnReply) {
    return { action: 'skip', reason: 'the prospect replied', exit: 'replied' };
  }
  if (!mailbox) {
    return {
      action: 'defer',
      until: later,
      reason: 'waiting: the campaign has no mailbox (it was deleted): set one on the campaign',
    };
  }
  if (mailbox.status !== 'active') {
    return {
      action: 'defer',
      until: later,
      reason: `waiting: mailbox ${mailbox.emailAddress} is ${mailbox.status}${
        mailbox.lastError ? ` (${mailbox.lastError})` : ''
      }`,
    };
  }
  try {
    const window = windowOf(context);
    if (!isWithinWindow(window, now)) {
      return {
        action: 'defer',
        until: nextOpening(window, now),
        reason: 'waiting: outside the sending window',
      };
    }
    return { action: 'go', window };
  } catch (error) {
    if (!(error instanceof InvalidSendingWindowError)) throw error;
    return {
      action: 'defer',
      until: later,
      reason: `waiting: the campaign's sending window cannot be used: ${error.message}`,
    };
  }
}

/** The day the caps count in: the campaign's local day (its timezone, not the prospect's). */
export function capDay(
  context: SendTaskContext,
  now: Date,
): { date: string; start: Date; end: Date } {
  return localDay(now, context.campaign.timezone);
}

/**
 * What the database checks a send against (SendTaskRepository.writeSendingWithinCaps), as
 * capsGate would with the same `random`: the campaign's local day, the mailbox's allowance that
 * day (daily cap or warm-up ramp), the campaign's daily limit, and the mailbox's minimum spacing
 * with its jitter in ms (0: none).
 */
export function capsLimits(
  context: SendTaskContext,
  mailbox: SendMailbox,
  now: Date,
  random: () => number,
): { day: string; mailboxAllowance: number; campaignLimit: number; spacingMs: number } {
  const day = capDay(context, now).date;
  return {
    day,
    mailboxAllowance: mailboxAllowance(mailbox, day),
    campaignLimit: context.campaign.dailyLimit,
    spacingMs:
      mailbox.minSpacingSeconds > 0
        ? Math.max(1, spacingDelayMs(mailbox.minSpacingSeconds, random))
        : 0,
  };
}

/** The mailbox's sends allowed on `date`: its daily cap, or less on its warm-up ramp. */
function mailboxAllowance(mailbox: SendMailbox, date: string): number {
  return mailboxDailyAllowance(mailbox.dailyCap, warmupOf(mailbox), date);
}

function warmupOf(mailbox: SendMailbox) {
  return mailbox.warmupStartPerDay !== null &&
    mailbox.warmupIncrementPerDay !== null &&
    mailbox.warmupTargetPerDay !== null &&
    mailbox.warmupStartedOn !== null
    ? {
        startPerDay: mailbox.warmupStartPerDay,
        incrementPerDay: mailbox.warmupIncrementPerDay,
        targetPerDay: mailbox.warmupTargetPerDay,
        startedOn: mailbox.warmupStartedOn,
      }
    : null;
}

/**
 * The limits checked under the mailbox lock, with the day's counts: the mailbox's daily cap and
 * warm-up ramp, the campaign's daily limit (both until the campaign's local midnight, then the
 * next opening of the window), and the mailbox's minimum spacing with jitter. Null: send now.
 */
export function capsGate(
  context: SendTaskContext,
  mailbox: SendMailbox,
  window: SendingWindow,
  counts: SendCounts,
  now: Date,
  random: () => number = Math.random,
): { until: Date; reason: string } | null {
  const day = capDay(context, now);
  const allowance = mailboxAllowance(mailbox, day.date);
  if (counts.mailboxSends >= allowance) {
    return {
      until: nextOpening(window, day.end),
      reason: `waiting: mailbox ${mailbox.emailAddress} sent its ${String(allowance)} e-mails of ${day.date}${
        allowance < mailbox.dailyCap ? ' (warm-up)' : ''
      }`,
    };
  }
  if (counts.campaignSends >= context.campaign.dailyLimit) {
    return {
      until: nextOpening(window, day.end),
      reason: `waiting: the campaign sent its daily limit of ${String(context.campaign.dailyLimit)} on ${day.date}`,
    };
  }
  if (counts.lastMailboxSendAt && mailbox.minSpacingSeconds > 0) {
    const earliest =
      counts.lastMailboxSendAt.getTime() + spacingDelayMs(mailbox.minSpacingSeconds, random);
    if (earliest > now.getTime()) {
      return {
        until: new Date(earliest),
        reason: `waiting: mailbox spacing of ${String(mailbox.minSpacingSeconds)} s`,
      };
    }
  }
  return null;
}
