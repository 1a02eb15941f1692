import { ImapFlow, type ListResponse } from 'imapflow';
import { describeMailError } from './mail-error.js';
import { imapClientOptions, type ImapSettings } from './sent-folder.js';

/** A folder's state when opened: what an incremental sync compares with what it kept. */
export interface OpenedFolder {
  path: string;
  uidValidity: number;
  uidNext: number;
  exists: number;
}

/** One message read from a folder. */
export interface FetchedMessage {
  uid: number;
  /** RFC822.SIZE as the server reports it. */
  size: number;
  /** The raw source, or its first `maxBytes` bytes when `truncated`. */
  source: Buffer;
  truncated: boolean;
}

export interface InboundReaderOptions {
  /** Bound on each network stage (connect, greeting, socket inactivity); default 30 000 ms. */
  timeoutMs?: number;
}

/** Special-use flags (RFC 6154) of folders never read for replies. */
const NEVER_READ = ['\\sent', '\\drafts', '\\trash', '\\junk', '\\all', '\\archive', '\\flagged'];
/** Names of such folders when the server flags nothing (last path segment, case-insensitive). */
const NEVER_READ_NAMES =
  /^(sent|sent (items|messages|mail)|envoy[ée]s|[ée]l[ée]ments envoy[ée]s|drafts?|brouillons|trash|deleted (items|messages)|corbeille|[ée]l[ée]ments supprim[ée]s|junk|junk e-?mail|spam|courrier ind[ée]sirable|ind[ée]sirables|archives?|all mail|outbox|bo[iî]te d'envoi)$/iu;
/** Folders where servers and filters put delivery status notifications. */
const BOUNCE_NAMES =
  /(bounce|undeliver|ndr|non[- ]remis|retours?|mailer[- ]daemon|delivery[- ]status|postmaster)/iu;

/**
 * A short-lived IMAP session of one mailbox for the inbound sync: which folders to read (INBOX
 * and bounce-carrying folders, never Sent, Drafts, Trash, Junk by flag or usual name), open one
 * (UIDVALIDITY, UIDNEXT), fetch what came after a UID (a message larger than `maxBytes` is read
 * only up to it: its headers and first parts classify it), and wait for new mail with IDLE when
 * the server offers it. Errors name the server and say what happened; the password never
 * appears in them. `close()` always.
 */
export class InboundReader {
  private readonly where: string;
  private closedReason: string | null = null;

  private constructor(
    private readonly client: ImapFlow,
    private readonly imap: ImapSettings,
  ) {
    this.where = `IMAP ${imap.host}:${String(imap.port)} (${imap.username})`;
    client.on('error', (error: unknown) => {
      this.closedReason = describeMailError(error, imap.password);
    });
    client.on('close', () => {
      this.closedReason ??= 'the server closed the connection';
    });
  }

  /** Connects and logs in; throws a described Error when it cannot. */
  static async connect(
    imap: ImapSettings,
    options: InboundReaderOptions = {},
  ): Promise<InboundReader> {
    const client = new ImapFlow(imapClientOptions(imap, options.timeoutMs ?? 30_000));
    const reader = new InboundReader(client, imap);
    try {
      await client.connect();
    } catch (error) {
      client.close();
      throw reader.failure(error);
    }
    return reader;
  }

  /** Whether the server offers IDLE (RFC 2177). */
  get supportsIdle(): boolean {
    return this.client.capabilities.has('IDLE');
  }

  /** INBOX first, then the selectable bounce-carrying folders, by path. */
  async inboundFolders(): Promise<string[]> {
    const list = await this.run(() => this.client.list());
    return selectInboundFolders(list);
  }

  async open(path: string): Promise<OpenedFolder> {
    const mailbox = await this.run(() => this.client.mailboxOpen(path, { readOnly: true }));
    return {
      path: mailbox.path,
      uidValidity: Number(mailbox.uidValidity),
      uidNext: mailbox.uidNext,
      exists: mailbox.exists,
    };
  }

  /** UIDs and sizes of the open folder's messages after `lastUid`, oldest first. */
  async listAfter(lastUid: number): Promise<{ uid: number; size: number }[]> {
    const found: { uid: number; size: number }[] = [];
    const mailbox = this.client.mailbox;
    if (!mailbox || mailbox.exists === 0) return found;
    const messages = await this.run(() =>
      this.client.fetchAll(`${String(lastUid + 1)}:*`, { uid: true, size: true }, { uid: true }),
    );
    for (const message of messages) {
      // `n:*` returns the last message even when its UID is below n (RFC 3501).
      if (message.uid > lastUid) found.push({ uid: message.uid, size: message.size ?? 0 });
    }
    return found.sort((a, b) => a.uid - b.uid);
  }

  /** One message's source, at most `maxBytes` of it. Null when it vanished (expunged). */
  async fetch(uid: number, size: number, maxBytes: number): Promise<FetchedMessage | null> {
    const truncated = size > maxBytes;
    const message = await this.run(() =>
      this.client.fetchOne(
        String(uid),
        { uid: true, source: truncated ? { start: 0, maxLength: maxBytes } : true },
        { uid: true },
      ),
    );
    if (!message || !message.source) return null;
    return { uid, size, source: message.source, truncated };
  }

  /**
   * Waits in IDLE on the open folder until the server announces new mail or `ms` pass; true when
   * new mail came. Only call it when `supportsIdle`.
   */
  async waitForNewMail(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    let onExists: (() => void) | undefined;
    const arrived = new Promise<boolean>((resolve) => {
      onExists = () => {
        resolve(true);
      };
      this.client.once('exists', onExists);
      timer = setTimeout(() => {
        resolve(false);
      }, ms);
    });
    let onClose: (() => void) | undefined;
    const closed = new Promise<boolean>((_resolve, reject) => {
      onClose = () => {
        reject(this.failure(new Error(this.closedReason ?? 'connection closed during IDLE')));
      };
      this.client.once('close', onClose);
    });
    closed.catch(() => undefined);
    const idling = this.client.idle().catch(() => undefined);
    try {
      return await Promise.race([arrived, closed]);
    } finally {
      clearTimeout(timer);
      if (onExists) this.client.removeListener('exists', onExists);
      if (onClose) this.client.removeListener('close', onClose);
      // Any command ends IDLE (DONE); NOOP also collects what the server queued meanwhile.
      if (this.client.usable) await this.client.noop().catch(() => undefined);
      await idling;
    }
  }

  async close(): Promise<void> {
    if (this.client.usable) await this.client.logout().catch(() => undefined);
    this.client.close();
  }

  private async run<T>(command: () => Promise<T>): Promise<T> {
    if (!this.client.usable) {
      throw this.failure(new Error(this.closedReason ?? 'the connection is closed'));
    }
    try {
      return await command();
    } catch (error) {
      throw this.failure(error);
    }
  }

  private failure(error: unknown): Error {
    return new Error(`${this.where}: ${describeMailError(error, this.imap.password)}`, {
      cause: error,
    });
  }
}

/** INBOX and the bounce-carrying folders of a LIST answer, never Sent/Drafts/Trash/Junk. */
export function selectInboundFolders(list: readonly ListResponse[]): string[] {
  const readable = list.filter((folder) => {
    const flags = [...folder.flags].map((flag) => flag.toLowerCase());
    if (flags.includes('\\noselect') || flags.includes('\\nonexistent')) return false;
    const special = folder.specialUse?.toLowerCase();
    if (special && NEVER_READ.includes(special)) return false;
    if (flags.some((flag) => NEVER_READ.includes(flag))) return false;
    return !NEVER_READ_NAMES.test(folder.name.normalize('NFC').trim());
  });
  const inbox = readable.filter((folder) => folder.path.toUpperCase() === 'INBOX');
  const bounces = readable
    .filter((folder) => folder.path.toUpperCase() !== 'INBOX' && BOUNCE_NAMES.test(folder.name))
    .sort((a, b) => a.path.localeCompare(b.path));
  return [...inbox, ...bounces].map((folder) => folder.path);
}
