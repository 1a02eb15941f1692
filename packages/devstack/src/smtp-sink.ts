import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';

/** One mail as the sink received it: the envelope and the raw message (headers and body). */
export interface ReceivedMail {
  /** The Message-ID header, angle brackets included, or null when the mail has none. */
  messageId: string | null;
  /** Envelope sender (MAIL FROM). */
  from: string;
  /** Envelope recipients (RCPT TO) that were accepted. */
  to: string[];
  raw: Buffer;
  receivedAt: Date;
}

/** How the sink answers; switched at run time by the tests (applies to the next commands). */
export interface SmtpSinkBehaviour {
  /** Recipients answered `550 5.1.1` at RCPT TO (a hard bounce). */
  rejectRecipients?: (rcpt: string) => boolean;
  /** Recipients answered `451 4.7.1` at RCPT TO (try again later). */
  tempFailRecipients?: (rcpt: string) => boolean;
  /**
   * The next n messages are read and recorded (and written), then the socket is destroyed
   * before the `250` answer: the "sent but not acknowledged" case.
   */
  dropAfterData?: number;
  /** The next n connections are destroyed before the greeting. */
  dropOnConnect?: number;
  /** Every message is recorded at once but answered `250` only after this many ms (slow MTA). */
  answerDelayMs?: number;
}

export interface SmtpSinkOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  host?: string;
  /** Required login (AUTH PLAIN/LOGIN, allowed without TLS); without it any login is accepted. */
  auth?: { username: string; password: string };
  /** Writes each received mail as `<time>-<random>.eml` in this folder (see {@link readMailDir}). */
  outDir?: string;
  /** Called once per received mail, after it was recorded (and written). */
  onMail?: (mail: ReceivedMail, file: string | null) => void;
}

/**
 * A real SMTP server (`smtp-server`) for tests, benches and the local stack: it accepts every
 * mail (STARTTLS offered with smtp-server's built-in test certificate, plain login allowed),
 * keeps what it received in memory, optionally writes each mail as an `.eml` file, and
 * misbehaves on demand (`setBehaviour`). A mail is recorded before the `250` answer, so a
 * dropped acknowledgement still counts it: duplicates show up in `duplicates()`.
 */
export class SmtpSink {
  readonly host: string;
  private readonly mails: ReceivedMail[] = [];
  private behaviour: SmtpSinkBehaviour = {};
  private readonly waiters = new Set<() => void>();
  private connectionCount = 0;

  private constructor(
    private readonly server: SMTPServer,
    host: string,
    private actualPort: number,
    private readonly options: SmtpSinkOptions,
  ) {
    this.host = host;
  }

  static async start(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
    const host = options.host ?? '127.0.0.1';
    if (options.outDir !== undefined) mkdirSync(options.outDir, { recursive: true });
    // The server's handlers reach the sink, which is built once the server listens.
    const ref: { sink?: SmtpSink } = {};
    const server = new SMTPServer({
      logger: false,
      name: 'smtp-sink.local',
      banner: 'outreach smtp-sink',
      authOptional: options.auth === undefined,
      allowInsecureAuth: true,
      authMethods: ['PLAIN', 'LOGIN'],
      size: 25 * 1024 * 1024,
      closeTimeout: 1_000,
      onConnect: (session, callback) => {
        const sink = ref.sink;
        if (sink) sink.connectionCount += 1;
        if (sink?.consume('dropOnConnect')) {
          sink.destroySocket(session);
          return;
        }
        callback();
      },
      onAuth: (auth, _session, callback) => {
        const required = options.auth;
        if (
          required === undefined ||
          (auth.username === required.username && auth.password === required.password)
        ) {
          callback(null, { user: auth.username ?? 'anonymous' });
          return;
        }
        callback(smtpError(535, '5.7.8 Authentication credentials invalid'));
      },
      onRcptTo: (address, _session, callback) => {
        const behaviour = ref.sink?.behaviour ?? {};
        if (behaviour.rejectRecipients?.(address.address)) {
          callback(smtpError(550, '5.1.1 Mailbox does not exist'));
          return;
        }
        if (behaviour.tempFailRecipients?.(address.address)) {
          callback(smtpError(451, '4.7.1 Try again later'));
          return;
        }
        callback();
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('error', (error) => {
          callback(error);
        });
        stream.on('end', () => {
          if (stream.sizeExceeded) {
            callback(smtpError(552, '5.3.4 Message too big'));
            return;
          }
          const sink = ref.sink;
          if (!sink) return;
          const raw = Buffer.concat(chunks);
          const mailFrom = session.envelope.mailFrom;
          sink.record({
            messageId: headerValue(raw, 'message-id'),
            from: mailFrom === false ? '' : mailFrom.address,
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            raw,
            receivedAt: new Date(),
          });
          if (sink.consume('dropAfterData')) {
            sink.destroySocket(session);
            return;
          }
          const delay = sink.behaviour.answerDelayMs ?? 0;
          if (delay > 0) {
            setTimeout(() => {
              callback(null, 'Ok: queued');
            }, delay);
            return;
          }
          callback(null, 'Ok: queued');
        });
      },
    });
    server.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.server.off('error', reject);
        resolve();
      });
    });
    const address = server.server.address();
    if (address === null || typeof address === 'string') {
      throw new Error('smtp-sink: the server has no TCP address');
    }
    ref.sink = new SmtpSink(server, host, address.port, options);
    return ref.sink;
  }

  get port(): number {
    return this.actualPort;
  }

  get received(): readonly ReceivedMail[] {
    return this.mails;
  }

  /** SMTP connections accepted so far (dropped ones included): shows pooled reuse. */
  get connections(): number {
    return this.connectionCount;
  }

  setBehaviour(behaviour: SmtpSinkBehaviour): void {
    this.behaviour = { ...behaviour };
  }

  /** How many times each Message-ID arrived (mails without one are left out). */
  countsByMessageId(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const mail of this.mails) {
      if (mail.messageId !== null) {
        counts.set(mail.messageId, (counts.get(mail.messageId) ?? 0) + 1);
      }
    }
    return counts;
  }

  /** Message-IDs received more than once. */
  duplicates(): string[] {
    return [...this.countsByMessageId()].filter(([, n]) => n > 1).map(([id]) => id);
  }

  /** Resolves once at least n mails were received; rejects after timeoutMs saying how many came. */
  async waitForCount(n: number, timeoutMs: number): Promise<void> {
    if (this.mails.length >= n) return;
    await new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (this.mails.length >= n) {
          clearTimeout(timer);
          this.waiters.delete(check);
          resolve();
        }
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(
          new Error(
            `smtp-sink: ${this.mails.length} of ${n} mails received within ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  /** Closes the listener and destroys open connections (clients' pooled ones included). */
  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => {
      this.server.close(() => {
        resolve();
      });
    });
    for (const connection of this.server.connections) connection._socket.destroy();
    await closed;
  }

  private record(mail: ReceivedMail): void {
    this.mails.push(mail);
    let file: string | null = null;
    if (this.options.outDir !== undefined) file = writeMail(this.options.outDir, mail);
    this.options.onMail?.(mail, file);
    for (const waiter of [...this.waiters]) waiter();
  }

  /** Decrements a "the next n times" counter; true when this time is one of them. */
  private consume(key: 'dropAfterData' | 'dropOnConnect'): boolean {
    const left = this.behaviour[key] ?? 0;
    if (left <= 0) return false;
    this.behaviour[key] = left - 1;
    return true;
  }

  private destroySocket(session: SMTPServerSession): void {
    for (const connection of this.server.connections) {
      if (connection.id === session.id) connection._socket.destroy();
    }
  }
}

/** A TCP server that greets and answers every line with nonsense (not SMTP). */
export class GarbageSmtpServer {
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  static async start(): Promise<GarbageSmtpServer> {
    const server = createServer((socket) => {
      socket.on('error', () => undefined);
      socket.write('HELLO THERE this is not smtp\r\n');
      socket.on('data', () => {
        socket.write('%%% garbage 42 ???\r\n');
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        resolve();
      });
    });
    const address = server.address();
    if (address === null || typeof address === 'string') {
      throw new Error('garbage server: no TCP address');
    }
    return new GarbageSmtpServer(server, address.port);
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => {
      this.server.close(() => {
        resolve();
      });
    });
  }
}

/**
 * Writes a mail as `<ISO time>-<random>.eml` (written to a temporary name, then renamed, so a
 * killed sink never leaves half a file): `Return-Path` and one `Delivered-To` per recipient
 * (the envelope, as an MTA adds them) followed by the raw message. Returns the file's path.
 */
export function writeMail(dir: string, mail: ReceivedMail): string {
  const stamp = mail.receivedAt.toISOString().replace(/[:.]/g, '-');
  const name = `${stamp}-${randomBytes(4).toString('hex')}.eml`;
  const envelope =
    `Return-Path: <${mail.from}>\r\n` + mail.to.map((to) => `Delivered-To: ${to}\r\n`).join('');
  const path = join(dir, name);
  writeFileSync(`${path}.tmp`, Buffer.concat([Buffer.from(envelope, 'utf8'), mail.raw]));
  renameSync(`${path}.tmp`, path);
  return path;
}

/** The mails a sink (or its CLI) wrote to `dir`, oldest first (by file name). */
export function readMailDir(dir: string): ReceivedMail[] {
  const names = readdirSync(dir)
    .filter((name) => name.endsWith('.eml'))
    .sort();
  return names.map((name) => {
    const path = join(dir, name);
    const file = readFileSync(path);
    const lines: string[] = [];
    let offset = 0;
    for (;;) {
      const end = file.indexOf('\r\n', offset);
      if (end < 0) break;
      const line = file.subarray(offset, end).toString('utf8');
      if (!/^(Return-Path|Delivered-To): /.test(line)) break;
      lines.push(line);
      offset = end + 2;
    }
    const raw = file.subarray(offset);
    const from = /^Return-Path: <(.*)>$/.exec(lines[0] ?? '')?.[1] ?? '';
    const to = lines
      .filter((line) => line.startsWith('Delivered-To: '))
      .map((line) => line.slice('Delivered-To: '.length));
    return {
      messageId: headerValue(raw, 'message-id'),
      from,
      to,
      raw,
      receivedAt: statSync(path).mtime,
    };
  });
}

/**
 * A header's value from a raw message (the first occurrence, unfolded, RFC 2047 encoded words
 * decoded), or null when absent.
 */
export function headerValue(raw: Buffer, name: string): string | null {
  const text = raw.toString('utf8');
  const end = text.search(/\r?\n\r?\n/);
  const head = (end < 0 ? text : text.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
  const wanted = name.toLowerCase();
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === wanted) {
      return decodeWords(line.slice(colon + 1).trim());
    }
  }
  return null;
}

/** Decodes RFC 2047 encoded words (`=?UTF-8?B?…?=`, `=?UTF-8?Q?…?=`). */
function decodeWords(value: string): string {
  return value
    .replace(/(=\?[^?]+\?[BbQq]\?[^?]*\?=)\s+(?==\?)/g, '$1')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_match, charset: string, enc: string, data) => {
      const bytes =
        enc.toUpperCase() === 'B'
          ? Buffer.from(String(data), 'base64')
          : Buffer.from(
              String(data)
                .replace(/_/g, ' ')
                .replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) =>
                  String.fromCharCode(parseInt(hex, 16)),
                ),
              'latin1',
            );
      return /^utf-?8$/i.test(charset) ? bytes.toString('utf8') : bytes.toString('latin1');
    });
}

function smtpError(code: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode: code });
}
