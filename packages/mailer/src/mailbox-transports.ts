import { PassThrough, type Readable } from 'node:stream';
import nodemailer, { type SMTPPoolSentMessageInfo, type Transporter } from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer/index.js';
import { composeMail, type OutboundMail } from './outbound-mail.js';
import { classifySmtpError, SmtpSendError } from './smtp-send-error.js';
import { smtpTransportOptions, type DkimSettings, type SmtpSettings } from './smtp-settings.js';

/**
 * nodemailer 'stream' plugin: the composed message reaches the connection as ONE Buffer. The
 * composer streams a message in a dozen small chunks (header blocks, each part's headers and
 * encoded lines), and the connection writes each chunk to the socket as it comes, a system call
 * each: collected, the message takes 3 writes (the envelope, the message, the final dot). The
 * message is composed once, by the pool's own transport; it used to be built first by a buffering
 * stream transport and sent raw, two passes through nodemailer for ~10 % more CPU per send.
 * DKIM, when configured, signs after it (nodemailer adds the signer after the plugins).
 */
const wholeMessage: Mail.PluginFunction = (mail, done) => {
  mail.message.processFunc((input: Readable) => {
    const output = new PassThrough();
    const chunks: Buffer[] = [];
    let length = 0;
    input.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      length += chunk.length;
    });
    input.once('error', (error) => output.destroy(error));
    input.once('end', () => output.end(Buffer.concat(chunks, length)));
    return output;
  });
  done();
};

export interface MailboxTransportsOptions {
  /** Open SMTP connections per mailbox (default 2). */
  maxConnections?: number;
  /** Connect and greeting timeout (default 15 s). */
  connectionTimeoutMs?: number;
  /** Inactivity timeout of a connection in use (default 60 s). */
  socketTimeoutMs?: number;
  /** DKIM key used for every mailbox that does not bring its own (default none). */
  dkim?: DkimSettings | null;
  /** Accept TLS certificates that do not verify (self-signed test servers only). */
  allowUnauthorizedTls?: boolean;
  /**
   * How many times the pool retries a message on a new connection when the old one closed
   * before a byte of the message was sent (server idle close, drop before the greeting); then
   * the send fails as transient. Never after the message was sent. Default 2.
   */
  maxRequeues?: number;
}

/** Which mailbox, and the version of its settings (e.g. its updated_at): a new version re-creates the transport. */
export interface MailboxRef {
  id: string;
  version: string;
  /** The mailbox's own DKIM key; else the MailboxTransports' default. */
  dkim?: DkimSettings | null;
}

export interface SendResult {
  /** The server's final reply (e.g. `250 2.0.0 Ok: queued as …`). */
  response: string;
  accepted: string[];
}

interface Entry {
  version: string;
  transport: Transporter<SMTPPoolSentMessageInfo>;
  closed: boolean;
  pending: Set<Promise<unknown>>;
}

/**
 * One pooled nodemailer SMTP transport per mailbox, created on first use with the mailbox's
 * decrypted credentials (held in memory only, never logged) and re-created when the mailbox's
 * version changes. `send` composes the mail (composeMail) and throws a classified
 * SmtpSendError on failure.
 */
export class MailboxTransports {
  private readonly entries = new Map<string, Entry>();
  private readonly retired = new Set<Entry>();
  private readonly maxConnections: number;
  private readonly connectionTimeoutMs: number;
  private readonly socketTimeoutMs: number;
  private readonly maxRequeues: number;

  constructor(private readonly options: MailboxTransportsOptions = {}) {
    this.maxConnections = positive('maxConnections', options.maxConnections ?? 2);
    this.connectionTimeoutMs = positive(
      'connectionTimeoutMs',
      options.connectionTimeoutMs ?? 15_000,
    );
    this.socketTimeoutMs = positive('socketTimeoutMs', options.socketTimeoutMs ?? 60_000);
    this.maxRequeues = options.maxRequeues ?? 2;
    if (!Number.isInteger(this.maxRequeues) || this.maxRequeues < 0) {
      throw new TypeError(`maxRequeues must be an integer ≥ 0, got ${String(options.maxRequeues)}`);
    }
  }

  /** Open transports (one per mailbox), for metrics and tests. */
  get size(): number {
    return this.entries.size;
  }

  /**
   * Sends with the mailbox's pooled transport. Throws InvalidMailError (from composeMail) or a
   * TypeError for bad settings before connecting, and SmtpSendError for what the server or the
   * network did.
   */
  async send(mailbox: MailboxRef, smtp: SmtpSettings, mail: OutboundMail): Promise<SendResult> {
    const message = composeMail(mail);
    const entry = this.entry(mailbox, smtp);
    const sending = entry.transport.sendMail(message);
    entry.pending.add(sending);
    try {
      const info = await sending;
      return { response: info.response, accepted: [...info.accepted] };
    } catch (error) {
      if (entry.closed && !hasSmtpDetails(error)) {
        throw new SmtpSendError(
          'transient',
          `transient: the transport of mailbox ${mailbox.id} was closed before the message was sent`,
          null,
          null,
          null,
          { cause: error },
        );
      }
      throw classifySmtpError(error, [smtp.password]);
    } finally {
      entry.pending.delete(sending);
    }
  }

  /** Closes a mailbox's transport (a send in progress finishes; queued ones fail as transient). */
  close(mailboxId: string): void {
    const entry = this.entries.get(mailboxId);
    if (!entry) return;
    this.entries.delete(mailboxId);
    this.retire(entry);
  }

  /** Closes every transport and resolves once the sends in progress have settled. */
  async closeAll(): Promise<void> {
    for (const id of [...this.entries.keys()]) this.close(id);
    const pending = [...this.retired].flatMap((entry) => [...entry.pending]);
    await Promise.allSettled(pending);
  }

  private entry(mailbox: MailboxRef, smtp: SmtpSettings): Entry {
    const existing = this.entries.get(mailbox.id);
    if (existing && existing.version === mailbox.version) return existing;
    if (existing) this.close(mailbox.id);
    const dkim = mailbox.dkim !== undefined ? mailbox.dkim : (this.options.dkim ?? null);
    const transport = nodemailer.createTransport({
      ...smtpTransportOptions(smtp, {
        connectionTimeoutMs: this.connectionTimeoutMs,
        socketTimeoutMs: this.socketTimeoutMs,
        allowUnauthorizedTls: this.options.allowUnauthorizedTls ?? false,
      }),
      pool: true,
      maxConnections: this.maxConnections,
      maxMessages: 100,
      maxRequeues: this.maxRequeues,
      ...(dkim ? { dkim: { ...dkim } } : {}),
    });
    transport.use('stream', wholeMessage);
    const entry: Entry = { version: mailbox.version, transport, closed: false, pending: new Set() };
    this.entries.set(mailbox.id, entry);
    return entry;
  }

  private retire(entry: Entry): void {
    entry.closed = true;
    entry.transport.close();
    if (entry.pending.size === 0) return;
    this.retired.add(entry);
    void Promise.allSettled([...entry.pending]).then(() => this.retired.delete(entry));
  }
}

function positive(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new TypeError(`${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

function hasSmtpDetails(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const fields = error as { code?: unknown; responseCode?: unknown };
  return typeof fields.code === 'string' || typeof fields.responseCode === 'number';
}
