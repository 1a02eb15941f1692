import { ImapFlow, type ImapFlowOptions, type ListResponse } from 'imapflow';
import { describeMailError } from './mail-error.js';

/** An IMAP login; `security` takes the values of delivery.mailboxes.imap_security. */
export interface ImapSettings {
  host: string;
  port: number;
  /** `tls`: TLS from the first byte (993); `starttls`: plain, then STARTTLS required; `none`: plain. */
  security: 'tls' | 'starttls' | 'none';
  username: string;
  password: string;
}

export interface SentFolderOptions {
  /** Bound on the whole check (connect, login, list, searches); default 30 000 ms. */
  timeoutMs?: number;
}

export type SentFolderAnswer = 'found' | 'absent' | 'no_sent_folder';

/**
 * Names a Sent folder goes by when the server does not flag it `\Sent` (RFC 6154), compared
 * with the folder's last path segment, case-insensitively.
 */
export const SENT_FOLDER_NAMES = [
  'Sent',
  'Sent Messages',
  'Sent Items',
  'Éléments envoyés',
  'Envoyés',
] as const;

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Whether a message with this Message-ID is in the mailbox's Sent folder: the folders with the
 * `\Sent` special-use flag, then those named as in `SENT_FOLDER_NAMES` (all of them are searched,
 * read-only, with `SEARCH HEADER Message-ID <id>`: a copy in any of them is `found`).
 * `no_sent_folder` when the mailbox has none. A message only in another folder (INBOX) is
 * `absent`. A connection, TLS or login failure, or the timeout, throws an Error that names the
 * server and says what happened; the password never appears in it.
 */
export async function findInSentFolder(
  imap: ImapSettings,
  messageId: string,
  options: SentFolderOptions = {},
): Promise<SentFolderAnswer> {
  const wanted = normaliseMessageId(messageId);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
    throw new Error(`timeoutMs must be a positive integer of milliseconds, got ${timeoutMs}`);
  }
  const client = new ImapFlow(imapClientOptions(imap, timeoutMs));
  // A late socket error after a failure must not become an unhandled 'error' event.
  client.on('error', () => undefined);
  // An object, not a `let`: the timer's callback sets it behind the compiler's back.
  const deadline = { passed: false };
  const timer = setTimeout(() => {
    deadline.passed = true;
    client.close();
  }, timeoutMs);
  const where = `IMAP ${imap.host}:${imap.port} (${imap.username})`;
  try {
    await client.connect();
    const folders = sentFolders(await client.list());
    if (folders.length === 0) return 'no_sent_folder';
    for (const folder of folders) {
      await client.mailboxOpen(folder.path, { readOnly: true });
      const uids = await client.search({ header: { 'message-id': wanted } }, { uid: true });
      if (uids && uids.length > 0) return 'found';
    }
    return 'absent';
  } catch (error) {
    if (deadline.passed) {
      throw new Error(`${where}: the Sent folder check timed out after ${timeoutMs} ms`, {
        cause: error,
      });
    }
    throw new Error(`${where}: ${describeMailError(error, imap.password)}`, { cause: error });
  } finally {
    clearTimeout(timer);
    if (!deadline.passed && client.usable) {
      await client.logout().catch(() => undefined);
    }
    client.close();
  }
}

/** `<id@host>` from `<id@host>` or `id@host`; refuses what no Message-ID looks like. */
function normaliseMessageId(messageId: string): string {
  const trimmed = messageId.trim();
  const inner = trimmed.startsWith('<') && trimmed.endsWith('>') ? trimmed.slice(1, -1) : trimmed;
  if (!/^[^\s<>"]+@[^\s<>"]+$/.test(inner) || inner.length > 995) {
    throw new Error(
      `not a Message-ID: ${JSON.stringify(messageId.slice(0, 100))} (expected <local@domain>, no spaces)`,
    );
  }
  return `<${inner}>`;
}

/** Selectable folders flagged `\Sent` first, then those with a usual Sent name, in that order. */
function sentFolders(list: ListResponse[]): ListResponse[] {
  const selectable = list.filter((folder) => !hasFlag(folder, '\\Noselect'));
  const flagged = selectable.filter(
    (folder) =>
      hasFlag(folder, '\\Sent') ||
      (folder.specialUse === '\\Sent' && folder.specialUseSource === 'extension'),
  );
  const names: readonly string[] = SENT_FOLDER_NAMES.map(foldName);
  const named = selectable
    .filter((folder) => !flagged.includes(folder) && names.includes(foldName(folder.name)))
    .sort((a, b) => names.indexOf(foldName(a.name)) - names.indexOf(foldName(b.name)));
  return [...flagged, ...named];
}

function hasFlag(folder: ListResponse, flag: string): boolean {
  const wanted = flag.toLowerCase();
  return [...folder.flags].some((candidate) => candidate.toLowerCase() === wanted);
}

function foldName(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

/**
 * imapflow options for a mailbox's IMAP server, the one mapping of its security setting every
 * IMAP client of the platform uses (the Sent-folder check, the api's verify): `tls` implicit TLS,
 * `starttls` required upgrade, `none` never upgrades; logger off (no credential is ever logged),
 * no automatic IDLE (each client connects for one short errand), one timeout for each stage.
 */
export function imapClientOptions(imap: ImapSettings, timeoutMs: number): ImapFlowOptions {
  return {
    host: imap.host,
    port: imap.port,
    secure: imap.security === 'tls',
    doSTARTTLS: imap.security === 'starttls' ? true : imap.security === 'none' ? false : undefined,
    auth: { user: imap.username, pass: imap.password },
    logger: false,
    disableAutoIdle: true,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  };
}
