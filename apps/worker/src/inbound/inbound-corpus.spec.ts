import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { classifyInbound } from './inbound-classifier.js';
import { plannedAction, type PlannedAction } from './inbound-decision.js';
import { parseInbound } from './inbound-message.js';

const FIXTURES = join(import.meta.dirname, '../../test/fixtures/inbound');
const OUR = '<3f1c2a7e-5b8d-4e21-9c4a-7d2e1f0a9b11@mail.acme-outreach.example>';

/** The corpus: each file's expected class, action and (for DSNs) the returned message. */
const EXPECTED: Record<
  string,
  { cls: string; action: PlannedAction; returnsOn?: string; original?: string; recipient?: string }
> = {
  'gmail-reply.eml': { cls: 'human_reply', action: { kind: 'exit-replied' } },
  'outlook-reply.eml': { cls: 'human_reply', action: { kind: 'exit-replied' } },
  'french-reply.eml': { cls: 'human_reply', action: { kind: 'exit-replied' } },
  'reply-quoting.eml': { cls: 'human_reply', action: { kind: 'exit-replied' } },
  'forwarded.eml': { cls: 'human_reply', action: { kind: 'exit-replied' } },
  'unknown-charset.eml': { cls: 'human_reply', action: { kind: 'exit-replied' } },
  'malformed-mime.eml': { cls: 'human_reply', action: { kind: 'exit-replied' } },
  'ooo-fr-date.eml': {
    cls: 'out_of_office',
    action: { kind: 'pause', returnsOn: '2026-01-05' },
    returnsOn: '2026-01-05',
  },
  'ooo-en-date.eml': {
    cls: 'out_of_office',
    action: { kind: 'pause', returnsOn: '2026-01-05' },
    returnsOn: '2026-01-05',
  },
  'ooo-no-headers.eml': {
    cls: 'out_of_office',
    action: { kind: 'pause', returnsOn: '2027-02-03' },
    returnsOn: '2027-02-03',
  },
  'ooo-fr-nodate.eml': { cls: 'out_of_office', action: { kind: 'record' } },
  'ooo-en-nodate.eml': { cls: 'out_of_office', action: { kind: 'record' } },
  'auto-reply-ack.eml': { cls: 'auto_reply', action: { kind: 'record' } },
  'dsn-postfix-511.eml': {
    cls: 'hard_bounce',
    action: { kind: 'suppress-exit', exitReason: 'bounced' },
    original: OUR,
    recipient: 'nobody@dupont.example.fr',
  },
  'dsn-exchange.eml': {
    cls: 'hard_bounce',
    action: { kind: 'suppress-exit', exitReason: 'bounced' },
    original: OUR,
    recipient: 'gone.user@contoso.example.com',
  },
  'dsn-soft-447.eml': {
    cls: 'soft_bounce',
    action: { kind: 'soft-bounce' },
    original: OUR,
    recipient: 'full@lesateliers.example.fr',
  },
  'unsubscribe-fr.eml': {
    cls: 'unsubscribe_request',
    action: { kind: 'suppress-exit', exitReason: 'unsubscribed' },
  },
  'unsubscribe-stop.eml': {
    cls: 'unsubscribe_request',
    action: { kind: 'suppress-exit', exitReason: 'unsubscribed' },
  },
};

describe('the inbound corpus (test/fixtures/inbound)', () => {
  const files = readdirSync(FIXTURES).filter((name) => name.endsWith('.eml'));
  const verdicts = new Map<string, { cls: string; reason: string }>();

  afterAll(() => {
    const right = files.filter((file) => verdicts.get(file)?.cls === EXPECTED[file]?.cls).length;
    const lines = files.map(
      (file) =>
        `${verdicts.get(file)?.cls === EXPECTED[file]?.cls ? 'ok ' : 'BAD'} ${file.padEnd(24)} ${
          verdicts.get(file)?.cls ?? '?'
        } — ${verdicts.get(file)?.reason ?? ''}`,
    );
    process.stdout.write(
      `inbound classifier accuracy on the corpus: ${String(right)}/${String(files.length)} (${(
        (100 * right) /
        files.length
      ).toFixed(1)} %)\n${lines.join('\n')}\n`,
    );
  });

  it('has an expectation for every fixture and a fixture for every expectation', () => {
    expect(files.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))('%s', async (file, expected) => {
    const message = await parseInbound(readFileSync(join(FIXTURES, file)));
    const verdict = classifyInbound(message);
    verdicts.set(file, { cls: verdict.inboundClass, reason: verdict.reason });
    expect({ file, cls: verdict.inboundClass, action: plannedAction(verdict) }).toEqual({
      file,
      cls: expected.cls,
      action: expected.action,
    });
    expect(verdict.returnsOn).toBe(expected.returnsOn ?? null);
    if (expected.original) {
      expect(message.delivery?.originalMessageId).toBe(expected.original);
      expect(message.delivery?.recipient).toBe(expected.recipient);
    }
  });

  it('keeps the visible reply without the quoted thread', async () => {
    const gmail = await parseInbound(readFileSync(join(FIXTURES, 'gmail-reply.eml')));
    expect(gmail.replyText).toContain('le sujet nous intéresse');
    expect(gmail.replyText).not.toContain('ne plus recevoir');
    expect(gmail.inReplyTo).toBe(OUR);
    const quoting = await parseInbound(readFileSync(join(FIXTURES, 'reply-quoting.eml')));
    expect(quoting.replyText).not.toContain('désinscrire');
  });

  it('reads a message in an unknown charset with a warning, and a malformed one as far as it goes', async () => {
    const unknown = await parseInbound(readFileSync(join(FIXTURES, 'unknown-charset.eml')));
    expect(unknown.text).toContain('I am interested');
    expect(unknown.warnings.join(' ')).toMatch(/unknown charset x-klingon-9/);
    const malformed = await parseInbound(readFileSync(join(FIXTURES, 'malformed-mime.eml')));
    expect(malformed.messageId).toBe('<malformed.1@weird-mailer.example.net>');
    expect(malformed.date).toBeNull();
  });
});
