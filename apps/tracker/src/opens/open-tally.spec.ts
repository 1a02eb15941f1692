import type { OpenClassification } from './open-classifier.js';
import { tallyOpens, type ClassifiedOpen } from './open-tally.js';

const HUMAN: OpenClassification = { kind: 'human', reason: 'mail_client', ipClass: 'unknown' };
const APPLE: OpenClassification = { kind: 'proxy', reason: 'apple_mpp', ipClass: 'apple_mpp' };
const SCANNER: OpenClassification = { kind: 'bot', reason: 'too_soon', ipClass: 'unknown' };

const open = (
  messageId: string,
  openedAt: number,
  classification: OpenClassification,
): ClassifiedOpen => ({
  messageId,
  openedAt,
  classification,
  userAgent: `ua-${openedAt}`,
  ipNetwork: '192.0.2.0/24',
});

describe('tallyOpens', () => {
  it('adds the opens of each message up, whatever their order', () => {
    const tallies = tallyOpens([
      open('m1', 300, APPLE),
      open('m1', 100, SCANNER),
      open('m2', 50, HUMAN),
      open('m1', 200, HUMAN),
      open('m1', 400, HUMAN),
    ]);
    expect(tallies).toHaveLength(2);
    expect(tallies.find((t) => t.messageId === 'm1')).toEqual({
      messageId: 'm1',
      human: 2,
      proxy: 1,
      bot: 1,
      firstOpenAt: new Date(100),
      lastOpenAt: new Date(400),
      firstHumanOpenAt: new Date(200),
      lastHumanOpenAt: new Date(400),
      lastKind: 'human',
      lastReason: 'mail_client',
      lastUserAgent: 'ua-400',
      lastIpClass: 'unknown',
      lastIpNetwork: '192.0.2.0/24',
    });
  });

  it('leaves the human times empty for a message only machines fetched', () => {
    const [tally] = tallyOpens([open('m', 5, APPLE), open('m', 1, SCANNER)]);
    expect(tally).toMatchObject({
      human: 0,
      proxy: 1,
      bot: 1,
      firstHumanOpenAt: null,
      lastHumanOpenAt: null,
      lastKind: 'proxy',
      firstOpenAt: new Date(1),
    });
  });
});
