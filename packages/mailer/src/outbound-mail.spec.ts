import { composeMail, InvalidMailError, newMessageId, type OutboundMail } from './outbound-mail.js';

const base: OutboundMail = {
  from: { address: 'alice@acme.fr' },
  to: 'bob@client.fr',
  subject: 'Bonjour',
  text: 'Bonjour',
  html: '<p>Bonjour</p>',
  messageId: '<abc@acme.fr>',
  unsubscribe: { url: 'https://t.acme.fr/u/tok', mailto: 'mailto:u@t.acme.fr?subject=tok' },
};

describe('newMessageId', () => {
  it('is unique, url-safe and on the sender domain (lower case)', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newMessageId('Alice@ACME.fr')));
    expect(ids.size).toBe(1000);
    for (const id of ids)
      expect(id).toMatch(/^<[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}@acme\.fr>$/);
  });

  it('refuses what is not an address', () => {
    expect(() => newMessageId('alice')).toThrow(InvalidMailError);
  });
});

describe('composeMail', () => {
  it('appends the pixel at the end of HTML without </body>', () => {
    const options = composeMail({ ...base, pixelUrl: 'https://t.acme.fr/p/x.gif' });
    expect(options.html).toBe(
      '<p>Bonjour</p><img src="https://t.acme.fr/p/x.gif" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0" />',
    );
  });

  it('accepts an http unsubscribe URL on localhost only (the local stack)', () => {
    expect(() =>
      composeMail({
        ...base,
        unsubscribe: { ...base.unsubscribe, url: 'http://127.0.0.1:3001/u/t' },
      }),
    ).not.toThrow();
    expect(() =>
      composeMail({ ...base, unsubscribe: { ...base.unsubscribe, url: 'http://t.acme.fr/u/t' } }),
    ).toThrow('unsubscribe.url must be an https URL');
  });

  it.each([
    [{ to: 'not-an-address' }, 'to "not-an-address" is not an e-mail address'],
    [{ messageId: 'abc@acme.fr' }, 'messageId must be a Message-ID like <id@domain>'],
    [{ inReplyTo: '<no-domain>' }, 'inReplyTo must be a Message-ID'],
    [{ references: ['<a@b.fr>', 'bad'] }, 'references[1] must be a Message-ID'],
    [
      { unsubscribe: { url: 'https://t.fr/u', mailto: 'u@t.fr' } },
      'unsubscribe.mailto must be a mailto: URL',
    ],
    [{ pixelUrl: 'javascript:alert(1)' }, 'pixelUrl must be an https URL'],
    [
      { from: { address: 'alice@acme.fr', name: 'A\r\nBcc: x@y.fr' } },
      'from.name must be one line',
    ],
  ] as [Partial<OutboundMail>, string][])('refuses %j', (change, message) => {
    expect(() => composeMail({ ...base, ...change })).toThrow(message);
  });
});
