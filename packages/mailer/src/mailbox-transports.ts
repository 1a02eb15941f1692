import nodemailer, { type SMTPPoolSentMessageInfo, type Transporter } from 'nodemailer';
import { composeMail, type OutboundMail } from './outbound-mail.js';
import { classifySmtpError, SmtpSendError } from './smtp-send-error.js';
import { smtpTransportOptions, type DkimSettings, type SmtpSettings } from './smtp-settings.js';

/** Builds a message into one Buffer without sending it (no connection, no signing). */
const BUILDER = nodemailer.createTransport({ streamTransport: true, buffer: true });

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
    // Built in memory first by nodemailer's own pipeline (a buffering stream transport: the same
    // composer, List-* headers and bytes), then handed to the pooled SMTP transport as one raw
    // buffer with its envelope: the connection writes it in a few socket writes instead of one
    // per MIME part, header block and encoded chunk (about 12 writes per message down to 3, each
    // a system call). DKIM still signs it in the SMTP transport.
    const built = (await BUILDER.sendMail(message)) as { message: Buffer };
    const raw = built.message;
    const entry = this.entry(mailbox, smtp);
    // The Message-ID given too: nodemailer would otherwise mint one (random bytes) for its info.
    const sending = entry.transport.sendMail({
      raw,
      envelope: message.envelope,
      messageId: message.messageId,
    });
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
