import type { SendCounts, SendMailbox, SendTaskContext } from '@outreach/db';
import { capsGate, capsLimits, windowOf } from './send-gate.js';

/*
 * The caps as the send path applies them, on a Paris campaign (window 09:00-18:00, Monday to
 * Friday): the mailbox's daily cap and warm-up ramp, the campaign's daily limit, the spacing.
 */
const MONDAY_10H_PARIS = new Date('2026-12-07T09:00:00Z');

const context = {
  campaign: {
    id: 'campaign',
    status: 'active',
    mailboxId: 'mailbox',
    timezone: 'Europe/Paris',
    sendingWindowStart: '09:00:00',
    sendingWindowEnd: '18:00:00',
    sendingDays: [1, 2, 3, 4, 5],
    dailyLimit: 50,
    trackOpens: true,
    publicHolidays: null,
  },
  person: { firstName: 'Claire', lastName: 'Dupont', timezone: null },
} as unknown as SendTaskContext;

function mailbox(overrides: Partial<SendMailbox> = {}): SendMailbox {
  return {
    emailAddress: 'sophie@example.com',
    dailyCap: 100,
    warmupStartPerDay: null,
    warmupIncrementPerDay: null,
    warmupTargetPerDay: null,
    warmupStartedOn: null,
    minSpacingSeconds: 0,
    ...overrides,
  } as SendMailbox;
}

const counts = (mailboxSends: number, campaignSends: number, last: Date | null = null) =>
  ({ mailboxSends, campaignSends, lastMailboxSendAt: last }) satisfies SendCounts;

const gate = (box: SendMailbox, sent: SendCounts, random = () => 0.5) =>
  capsGate(context, box, windowOf(context), sent, MONDAY_10H_PARIS, random);

describe('caps', () => {
  it('lets a send through below every cap, and gives the database the same limits', () => {
    expect(gate(mailbox(), counts(10, 20))).toBeNull();
    expect(capsLimits(context, mailbox(), MONDAY_10H_PARIS, () => 0.5)).toEqual({
      day: '2026-12-07',
      mailboxAllowance: 100,
      campaignLimit: 50,
      spacingMs: 0,
    });
  });

  it('waits for the next opening of the window when the mailbox has sent its daily cap', () => {
    expect(gate(mailbox(), counts(100, 0))).toEqual({
      until: new Date('2026-12-08T08:00:00Z'), // Tuesday 09:00 in Paris
      reason: 'waiting: mailbox sophie@example.com sent its 100 e-mails of 2026-12-07',
    });
  });

  it('counts the warm-up ramp of the day, not the daily cap, and says so', () => {
    const warming = mailbox({
      warmupStartPerDay: 5,
      warmupIncrementPerDay: 5,
      warmupTargetPerDay: 80,
      warmupStartedOn: '2026-12-04', // three days before: 5 + 3 × 5 = 20
    });
    expect(capsLimits(context, warming, MONDAY_10H_PARIS, () => 0.5).mailboxAllowance).toBe(20);
    expect(gate(warming, counts(20, 0))?.reason).toBe(
      'waiting: mailbox sophie@example.com sent its 20 e-mails of 2026-12-07 (warm-up)',
    );
  });

  it('waits for the next day when the campaign has sent its daily limit', () => {
    expect(gate(mailbox(), counts(50, 50))).toEqual({
      until: new Date('2026-12-08T08:00:00Z'),
      reason: 'waiting: the campaign sent its daily limit of 50 on 2026-12-07',
    });
  });

  it('spaces sends of a mailbox by its minimum spacing with jitter', () => {
    const spaced = mailbox({ minSpacingSeconds: 60 });
    const justNow = new Date(MONDAY_10H_PARIS.getTime() - 10_000);
    const verdict = gate(spaced, counts(1, 1, justNow));
    expect(verdict?.reason).toBe('waiting: mailbox spacing of 60 s');
    expect(verdict?.until.getTime()).toBeGreaterThanOrEqual(justNow.getTime() + 60_000);
    const longAgo = new Date(MONDAY_10H_PARIS.getTime() - 3_600_000);
    expect(gate(spaced, counts(1, 1, longAgo))).toBeNull();
    // The database waits exactly as long as capsGate with the same jitter: 60 s + 25 % × 0.5.
    expect(capsLimits(context, spaced, MONDAY_10H_PARIS, () => 0.5).spacingMs).toBe(67_500);
    const atTheLimit = new Date(MONDAY_10H_PARIS.getTime() - 67_500);
    expect(gate(spaced, counts(1, 1, atTheLimit))).toBeNull();
    expect(gate(spaced, counts(1, 1, new Date(atTheLimit.getTime() + 1)))).not.toBeNull();
  });
});
