import { generateKeyPairSync } from 'node:crypto';
import { Socket } from 'node:net';
import { freePort, GarbageSmtpServer, SmtpSink } from '@outreach/devstack';
import { simpleParser } from 'mailparser';
import {
  MailboxTransports,
  newMessageId,
  SmtpSendError,
  type OutboundMail,
  type SmtpSettings,
} from '../src/index.js';
import { verifyDkim } from './dkim-verify.js';

const PASSWORD = 'S3cret-pässword';

function settings(port: number, overrides: Partial<SmtpSettings> = {}): SmtpSettings {
  return {
    host: '127.0.0.1',
    port,
    security: 'none',
    username: 'alice@acme.fr',
    password: PASSWORD,
    ...overrides,
  };
}

function mail(overrides: Partial<OutboundMail> = {}): OutboundMail {
  return {
    from: { address: 'alice@acme.fr', name: 'Alice Martin' },
    to: 'bob@client.fr',
    subject: 'Votre prospection, été 2026',
    text: 'Bonjour Bob,\n\nUn mot rapide.\n',
    html: '<html><body><p>Bonjour Bob,</p><p>Un mot rapide.</p></body></html>',
    messageId: newMessageId('alice@acme.fr'),
    unsubscribe: {
      url: 'https://track.example.fr/u/tok123',
      mailto: 'mailto:unsubscribe@track.example.fr?subject=tok123',
    },
    ...overrides,
  };
}

/** The error a promise rejected with, failing the test if it resolved. */
async function rejection(promise: Promise<unknown>): Promise<SmtpSendError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(SmtpSendError);
    return error as SmtpSendError;
  }
  throw new Error('expected the send to fail');
}

describe('MailboxTransports against a real SMTP server', () => {
  let sink: SmtpSink;
  let transports: MailboxTransports;
  const mailbox = { id: 'mbx-a', version: 'v1' };

  beforeEach(async () => {
    sink = await SmtpSink.start({ auth: { username: 'alice@acme.fr', password: PASSWORD } });
    transports = new MailboxTransports({ connectionTimeoutMs: 3_000, socketTimeoutMs: 3_000 });
  });

  afterEach(async () => {
    await transports.closeAll();
    await sink.stop();
  });

  it('sends the headers of a reply step, both parts and the pixel', async () => {
    const first = newMessageId('alice@acme.fr');
    const previous = newMessageId('alice@acme.fr');
    const sent = mail({
      subject: 'Re: Votre prospection, été 2026',
      inReplyTo: previous,
      references: [first, previous],
      pixelUrl: 'https://track.example.fr/o/pix?t=a&b=1',
    });
    const result = await transports.send(mailbox, settings(sink.port), sent);
    expect(result.accepted).toEqual(['bob@client.fr']);
    expect(result.response).toMatch(/^250 /);

    expect(sink.received).toHaveLength(1);
    const received = sink.received[0];
    expect(received?.from).toBe('alice@acme.fr');
    expect(received?.to).toEqual(['bob@client.fr']);
    expect(received?.messageId).toBe(sent.messageId);
    const parsed = await simpleParser(received?.raw ?? Buffer.alloc(0));
    expect(parsed.subject).toBe('Re: Votre prospection, été 2026');
    expect(parsed.from?.value).toEqual([{ address: 'alice@acme.fr', name: 'Alice Martin' }]);
    expect(parsed.messageId).toBe(sent.messageId);
    expect(parsed.inReplyTo).toBe(previous);
    expect(parsed.references).toEqual([first, previous]);
    const raw = received?.raw.toString('utf8') ?? '';
    expect(raw).toContain(
      'List-Unsubscribe: <https://track.example.fr/u/tok123>,\r\n <mailto:unsubscribe@track.example.fr?subject=tok123>',
    );
    expect(raw).toMatch(/(^|\r\n)List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n/);
    expect(parsed.text).toBe('Bonjour Bob,\n\nUn mot rapide.\n');
    expect(parsed.html).toBe(
      '<html><body><p>Bonjour Bob,</p><p>Un mot rapide.</p>' +
        '<img src="https://track.example.fr/o/pix?t=a&amp;b=1" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0" />' +
        '</body></html>',
    );
    expect(raw).not.toContain(PASSWORD);
  });

  it('leaves In-Reply-To, References and the pixel out of a first step', async () => {
    await transports.send(mailbox, settings(sink.port), mail({ pixelUrl: null }));
    const parsed = await simpleParser(sink.received[0]?.raw ?? Buffer.alloc(0));
    expect(parsed.headers.has('in-reply-to')).toBe(false);
    expect(parsed.headers.has('references')).toBe(false);
    expect(parsed.html).not.toContain('<img');
    expect(parsed.headerLines.map((line) => line.key)).toEqual(
      expect.arrayContaining(['list-unsubscribe', 'list-unsubscribe-post']),
    );
  });

  it('writes each message to the socket whole: one write, not one per MIME chunk', async () => {
    // Each socket write is a system call; nodemailer's composer streams a message in a dozen
    // chunks. The engine's throughput depends on the connection writing it at once.
    const writes: string[] = [];
    const write = Reflect.get(Socket.prototype, 'write') as (...args: unknown[]) => boolean;
    Reflect.set(Socket.prototype, 'write', function (this: Socket, ...args: unknown[]) {
      if (this.remotePort === sink.port) writes.push(String(args[0]));
      return write.apply(this, args);
    });
    try {
      await transports.send(mailbox, settings(sink.port), mail({ pixelUrl: 'https://t.fr/p' }));
    } finally {
      Reflect.set(Socket.prototype, 'write', write);
    }
    const message = sink.received[0]?.raw.toString('utf8') ?? '';
    expect(message).toContain('Content-Type: text/html');
    const data = writes.findIndex((chunk) => chunk === 'DATA\r\n');
    expect(data).toBeGreaterThan(0);
    expect(writes.slice(data + 1, data + 3)).toEqual([message, '.\r\n']);
  });

  it("reuses a mailbox's pooled connection and opens a new one when its version changes", async () => {
    const one = new MailboxTransports({ maxConnections: 1 });
    try {
      for (let i = 0; i < 5; i++) await one.send(mailbox, settings(sink.port), mail());
      expect(sink.connections).toBe(1);
      await Promise.all(
        Array.from({ length: 5 }, () => one.send(mailbox, settings(sink.port), mail())),
      );
      expect(sink.connections).toBe(1);
      await one.send({ ...mailbox, version: 'v2' }, settings(sink.port), mail());
      expect(sink.connections).toBe(2);
      expect(one.size).toBe(1);
      expect(sink.received).toHaveLength(11);
      expect(sink.duplicates()).toEqual([]);
    } finally {
      await one.closeAll();
    }
  });

  it("keeps mailboxes apart: one mailbox's bad login never borrows another's connection", async () => {
    await transports.send(mailbox, settings(sink.port), mail());
    const other = await rejection(
      transports.send(
        { id: 'mbx-b', version: 'v1' },
        settings(sink.port, { username: 'mallory@other.fr', password: 'wrong' }),
        mail({ from: { address: 'mallory@other.fr' } }),
      ),
    );
    expect(other.kind).toBe('auth');
    await transports.send(mailbox, settings(sink.port), mail());
    expect(sink.received.map((m) => m.from)).toEqual(['alice@acme.fr', 'alice@acme.fr']);
  });

  it('classifies 550 on the recipient as recipient_rejected, and the pool goes on', async () => {
    sink.setBehaviour({ rejectRecipients: (rcpt) => rcpt === 'gone@client.fr' });
    const error = await rejection(
      transports.send(mailbox, settings(sink.port), mail({ to: 'gone@client.fr' })),
    );
    expect(error.kind).toBe('recipient_rejected');
    expect(error.responseCode).toBe(550);
    expect(error.command).toBe('RCPT TO');
    expect(error.response).toContain('5.1.1');
    await transports.send(mailbox, settings(sink.port), mail());
    expect(sink.received).toHaveLength(1);
  });

  it('classifies 451 as transient', async () => {
    sink.setBehaviour({ tempFailRecipients: () => true });
    const error = await rejection(transports.send(mailbox, settings(sink.port), mail()));
    expect(error.kind).toBe('transient');
    expect(error.responseCode).toBe(451);
    expect(sink.received).toHaveLength(0);
  });

  it('classifies a connection dropped after DATA as transient, and never resends it itself', async () => {
    sink.setBehaviour({ dropAfterData: 1 });
    const sent = mail();
    const error = await rejection(transports.send(mailbox, settings(sink.port), sent));
    expect(error.kind).toBe('transient');
    // The server has it (sent but not acknowledged): the engine must reconcile, not resend.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(sink.countsByMessageId().get(sent.messageId)).toBe(1);
    await transports.send(mailbox, settings(sink.port), mail());
    expect(sink.received).toHaveLength(2);
  });

  it('retries a connection dropped before the greeting on a new one, up to maxRequeues', async () => {
    sink.setBehaviour({ dropOnConnect: 1 });
    await transports.send(mailbox, settings(sink.port), mail());
    expect(sink.received).toHaveLength(1);
    expect(sink.connections).toBe(2);

    const strict = new MailboxTransports({ maxRequeues: 0 });
    try {
      sink.setBehaviour({ dropOnConnect: 1 });
      const error = await rejection(strict.send(mailbox, settings(sink.port), mail()));
      expect(error.kind).toBe('transient');
      expect(sink.received).toHaveLength(1);
    } finally {
      await strict.closeAll();
    }
  });

  it('classifies a refused connection as transient', async () => {
    const port = await freePort();
    const error = await rejection(transports.send(mailbox, settings(port), mail()));
    expect(error.kind).toBe('transient');
  });

  it('classifies a bad password as auth, without the password in the error', async () => {
    const error = await rejection(
      transports.send(mailbox, settings(sink.port, { password: 'not-the-password' }), mail()),
    );
    expect(error.kind).toBe('auth');
    expect(error.responseCode).toBe(535);
    expect(`${error.message} ${error.response ?? ''}`).not.toContain('not-the-password');
    expect(sink.received).toHaveLength(0);
  });

  it('classifies a server answering garbage as protocol', async () => {
    const garbage = await GarbageSmtpServer.start();
    try {
      const error = await rejection(transports.send(mailbox, settings(garbage.port), mail()));
      expect(error.kind).toBe('protocol');
    } finally {
      await garbage.stop();
    }
  });

  it('upgrades with STARTTLS and refuses a certificate that does not verify unless allowed', async () => {
    const starttls = settings(sink.port, { security: 'starttls' });
    const error = await rejection(transports.send(mailbox, starttls, mail()));
    expect(error.kind).toBe('protocol');
    const lax = new MailboxTransports({ allowUnauthorizedTls: true });
    try {
      await lax.send(mailbox, starttls, mail());
      expect(sink.received).toHaveLength(1);
    } finally {
      await lax.closeAll();
    }
  });

  it('signs with DKIM when configured, and the signature verifies', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const signing = new MailboxTransports({
      dkim: {
        domainName: 'acme.fr',
        keySelector: 'outreach',
        privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      },
    });
    try {
      await signing.send(mailbox, settings(sink.port), mail({ pixelUrl: 'https://t.fr/p' }));
      await transports.send(mailbox, settings(sink.port), mail());
    } finally {
      await signing.closeAll();
    }
    const [signed, unsigned] = sink.received;
    const raw = signed?.raw ?? Buffer.alloc(0);
    const result = verifyDkim(raw, publicKey.export({ type: 'spki', format: 'pem' }).toString());
    expect(result.tags.get('d')).toBe('acme.fr');
    expect(result.tags.get('s')).toBe('outreach');
    expect(result.tags.get('h')?.toLowerCase().split(':')).toEqual(
      expect.arrayContaining([
        'from',
        'subject',
        'message-id',
        'list-unsubscribe',
        'list-unsubscribe-post',
      ]),
    );
    expect(result.bodyHashOk).toBe(true);
    expect(result.signatureOk).toBe(true);
    // The verifier is not a rubber stamp: a changed subject breaks the signature.
    const tampered = Buffer.from(
      raw.toString('binary').replace('Subject: ', 'Subject: X'),
      'binary',
    );
    expect(
      verifyDkim(tampered, publicKey.export({ type: 'spki', format: 'pem' }).toString())
        .signatureOk,
    ).toBe(false);
    expect(unsigned?.raw.toString('utf8')).not.toMatch(/^DKIM-Signature:/im);
  });

  it('refuses bad input before connecting, naming the field', async () => {
    await expect(
      transports.send(mailbox, settings(sink.port), mail({ subject: 'two\nlines' })),
    ).rejects.toThrow('subject must be one line');
    await expect(transports.send(mailbox, settings(0), mail())).rejects.toThrow(
      'smtp.port must be an integer from 1 to 65535',
    );
    expect(sink.connections).toBe(0);
  });
});
