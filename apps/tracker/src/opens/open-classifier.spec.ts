import { afterSend, classifyRequest, type OpenRequestFacts } from './open-classifier.js';

const THUNDERBIRD = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Thunderbird/128.5.0';
const facts = (changes: Partial<OpenRequestFacts>): OpenRequestFacts => ({
  userAgent: THUNDERBIRD,
  ip: '192.0.2.10',
  purpose: undefined,
  ...changes,
});

describe('classifyRequest', () => {
  it('counts a mail client as a person', () => {
    expect(classifyRequest(facts({}))).toEqual({
      kind: 'human',
      reason: 'mail_client',
      ipClass: 'unknown',
    });
  });

  it("counts Google's and Yahoo's image proxies as people (they fetch when the mail is opened)", () => {
    const google =
      'Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)';
    expect(classifyRequest(facts({ userAgent: google, ip: '66.249.84.1' }))).toEqual({
      kind: 'human',
      reason: 'google_image_proxy',
      ipClass: 'google_proxy',
    });
    expect(classifyRequest(facts({ userAgent: 'YahooMailProxy; https://help.yahoo.com' }))).toEqual(
      {
        kind: 'human',
        reason: 'yahoo_image_proxy',
        ipClass: 'yahoo_proxy',
      },
    );
  });

  it("counts Apple Mail Privacy Protection as a machine by its bare agent or Apple's addresses", () => {
    expect(classifyRequest(facts({ userAgent: 'Mozilla/5.0', ip: '203.0.113.5' }))).toEqual({
      kind: 'proxy',
      reason: 'apple_mpp',
      ipClass: 'apple_mpp',
    });
    expect(classifyRequest(facts({ ip: '17.58.100.1' }))).toMatchObject({
      kind: 'proxy',
      reason: 'apple_mpp',
    });
    expect(classifyRequest(facts({ ip: '2a01:b740:a42::1' }))).toMatchObject({ kind: 'proxy' });
  });

  it('counts security scanners and link checkers as machines, by agent or address', () => {
    for (const userAgent of [
      'Mozilla/5.0 (compatible; Barracuda Sentinel)',
      'Mimecast-URL-Protect',
      'Proofpoint URL Defense',
      'python-requests/2.31',
      'Mozilla/5.0 HeadlessChrome/120',
    ]) {
      expect({ userAgent, ...classifyRequest(facts({ userAgent })) }).toMatchObject({
        userAgent,
        kind: 'bot',
        reason: 'security_scanner',
      });
    }
    // Safe Links detonation from Exchange Online Protection, with a browser's agent.
    expect(classifyRequest(facts({ ip: '40.107.22.5' }))).toEqual({
      kind: 'bot',
      reason: 'security_scanner',
      ipClass: 'microsoft',
    });
    expect(classifyRequest(facts({ ip: '148.163.150.1' }))).toMatchObject({
      kind: 'bot',
      ipClass: 'security_scanner',
    });
  });

  it('counts empty user agents and prefetches as machines', () => {
    expect(classifyRequest(facts({ userAgent: undefined }))).toMatchObject({
      kind: 'bot',
      reason: 'empty_user_agent',
    });
    expect(classifyRequest(facts({ userAgent: '   ' }))).toMatchObject({
      reason: 'empty_user_agent',
    });
    expect(classifyRequest(facts({ purpose: 'prefetch' }))).toMatchObject({
      kind: 'bot',
      reason: 'prefetch',
    });
    expect(classifyRequest(facts({ purpose: 'prefetch;prerender' }))).toMatchObject({
      reason: 'prefetch',
    });
  });
});

describe('afterSend', () => {
  const human = classifyRequest(facts({}));
  const sent = Date.parse('2025-12-28T09:00:00Z');

  it('turns a human open within the window after the send (or before any send) into a machine', () => {
    expect(afterSend(human, sent + 3_000, sent, 10_000)).toEqual({
      kind: 'bot',
      reason: 'too_soon',
      ipClass: 'unknown',
    });
    expect(afterSend(human, sent, null, 10_000)).toMatchObject({ reason: 'too_soon' });
  });

  it('keeps a human open after the window, and never changes a machine open', () => {
    expect(afterSend(human, sent + 10_000, sent, 10_000)).toBe(human);
    const apple = classifyRequest(facts({ userAgent: 'Mozilla/5.0' }));
    expect(afterSend(apple, sent + 1, sent, 10_000)).toBe(apple);
    expect(afterSend(human, sent, sent, 0)).toBe(human);
  });
});
