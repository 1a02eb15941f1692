import EmailReplyParser from 'email-reply-parser';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';

/**
 * An inbound e-mail reduced to what matching and classifying need. Built from the raw RFC 822
 * bytes by `parseInbound`; plain data, so the classifier is a pure function of it.
 */
export interface InboundMessage {
  /** `<id@host>` as in the header, or null when the message has none. */
  messageId: string | null;
  inReplyTo: string | null;
  /** Message-IDs of the References header, oldest first. */
  references: string[];
  referencesHeader: string | null;
  fromEmail: string | null;
  fromName: string | null;
  toEmails: string[];
  subject: string | null;
  date: Date | null;
  /** Lower-case header name → first value as text (for Auto-Submitted, Precedence, …). */
  headers: Map<string, string>;
  contentType: string;
  /** The text body (from the HTML when there is no text part), at most MAX_TEXT characters. */
  text: string;
  html: string | null;
  /** The visible reply: the text without the quoted thread and signature. */
  replyText: string;
  /** The RFC 3464 delivery status, when this is a report or a bounce in prose. */
  delivery: DeliveryReport | null;
  /** Problems met while reading (unknown charset, malformed MIME, truncated): kept as reasons. */
  warnings: string[];
}

/** What a delivery status notification says about the message it returns. */
export interface DeliveryReport {
  /** RFC 3463 status, e.g. `5.1.1`; null when none was found. */
  status: string | null;
  /** RFC 3464 Action: failed, delayed, delivered, relayed, expanded. */
  action: string | null;
  /** The address that failed (Final-Recipient / Original-Recipient). */
  recipient: string | null;
  /** The Message-ID of our message, from the returned headers. */
  originalMessageId: string | null;
  /** Whether it came as multipart/report (true) or was recognised from prose (false). */
  structured: boolean;
  diagnostic: string | null;
}

/** Longest text kept for classification and storage (messages.body_text allows 1 000 000). */
export const MAX_TEXT = 200_000;

const MESSAGE_ID = /<[^<>\s]+@[^<>\s]+>/g;

/**
 * Parses raw RFC 822 bytes. Never throws on bad input: a malformed MIME structure, an unknown
 * charset or a truncated source give what could be read plus a warning; only bytes that yield
 * no header at all are refused (`UnreadableMessageError`).
 */
export async function parseInbound(raw: Buffer): Promise<InboundMessage> {
  const warnings: string[] = [];
  let parsed: ParsedMail;
  try {
    parsed = await simpleParser(raw, {
      skipImageLinks: true,
      skipTextToHtml: true,
      skipTextLinks: true,
      keepCidLinks: false,
    });
  } catch (error) {
    throw new UnreadableMessageError(`the message cannot be parsed: ${String(error)}`);
  }
  if (parsed.headers.size === 0) {
    throw new UnreadableMessageError('the message has no header');
  }
  const headers = new Map<string, string>();
  for (const [name, value] of parsed.headers) {
    headers.set(name.toLowerCase(), headerText(value));
  }
  for (const line of parsed.headerLines) {
    // Raw values of the headers the classifier reads (mailparser structures some of them).
    const key = line.key.toLowerCase();
    if (['auto-submitted', 'precedence', 'x-autoreply', 'x-autorespond'].includes(key)) {
      headers.set(key, line.line.slice(line.line.indexOf(':') + 1).trim());
    }
  }
  const contentType = (headers.get('content-type') ?? 'text/plain').toLowerCase();
  const charset = /charset="?([^";\s]+)/i.exec(raw.subarray(0, 65_536).toString('latin1'));
  if (charset?.[1] && !knownCharset(charset[1])) {
    warnings.push(`unknown charset ${charset[1]}: text read as UTF-8/Latin-1`);
  }
  let text = parsed.text ?? '';
  if (!text && typeof parsed.html === 'string') text = htmlToText(parsed.html);
  if (text.length > MAX_TEXT) {
    text = text.slice(0, MAX_TEXT);
    warnings.push(`text cut to ${MAX_TEXT} characters`);
  }
  const from = firstAddress(parsed.from);
  const references = idsOf(parsed.references);
  return {
    messageId: normaliseId(parsed.messageId),
    inReplyTo: normaliseId(parsed.inReplyTo),
    references,
    referencesHeader: headers.get('references') ?? null,
    fromEmail: from?.address?.toLowerCase() ?? null,
    fromName: from?.name ? from.name.slice(0, 200) : null,
    toEmails: addressesOf(parsed.to),
    subject: parsed.subject ? parsed.subject.slice(0, 998) : null,
    date: dateOf(parsed),
    headers,
    contentType,
    text,
    html: typeof parsed.html === 'string' ? parsed.html.slice(0, 2_000_000) : null,
    replyText: visibleReply(text),
    delivery: deliveryReport(parsed, raw, contentType, text, from?.address ?? null, headers),
    warnings,
  };
}

/** Raw bytes that are not an e-mail at all: skipped with this reason, never retried. */
export class UnreadableMessageError extends Error {
  override readonly name = 'UnreadableMessageError';
}

/** The reply above the quoted thread (email-reply-parser), trimmed; the whole text if empty. */
export function visibleReply(text: string): string {
  if (!text.trim()) return '';
  try {
    const visible = new EmailReplyParser().read(text).getVisibleText().trim();
    return visible || text.trim();
  } catch {
    return text.trim();
  }
}

/** The Date header, or null when absent or unreadable (mailparser would say "now"). */
function dateOf(parsed: ParsedMail): Date | null {
  const line = parsed.headerLines.find((header) => header.key.toLowerCase() === 'date');
  if (!line) return null;
  const value = line.line.slice(line.line.indexOf(':') + 1).trim();
  const time = Date.parse(value.replace(/\s*\([^)]*\)\s*$/, ''));
  return Number.isNaN(time) ? null : (parsed.date ?? new Date(time));
}

/**
 * The message/delivery-status part's body, read from the raw source (mailparser folds it into
 * the text): from its Content-Type to the next MIME boundary line.
 */
function deliveryStatusPart(raw: Buffer): string | null {
  const source = raw.subarray(0, 2_000_000).toString('latin1');
  const start = /^Content-Type:\s*message\/(?:global-)?delivery-status[^\n]*\n/im.exec(source);
  if (!start) return null;
  const rest = source.slice(start.index + start[0].length);
  const end = rest.search(/^--\S/m);
  return end === -1 ? rest : rest.slice(0, end);
}

function deliveryReport(
  parsed: ParsedMail,
  raw: Buffer,
  contentType: string,
  text: string,
  fromAddress: string | null,
  headers: Map<string, string>,
): DeliveryReport | null {
  const structured =
    contentType.startsWith('multipart/report') &&
    /report-type="?delivery-status/i.test(contentType);
  const statusPart = parsed.attachments.find((a) =>
    /^message\/(global-)?delivery-status$/i.test(a.contentType),
  );
  const returned = parsed.attachments.filter((a) =>
    /^(message\/rfc822|text\/rfc822-headers|message\/global(-headers)?)$/i.test(a.contentType),
  );
  const statusBody = statusPart ? statusPart.content.toString('utf8') : deliveryStatusPart(raw);
  const fields = statusBody ? dsnFields(statusBody) : new Map<string, string>();
  const looksLikeBounce =
    /^(mailer-daemon|postmaster|mail-daemon)@/i.test(fromAddress ?? '') ||
    /^(undeliverable|undelivered mail|delivery status notification|mail delivery (failed|system)|returned mail|non remis|échec de (la )?remise|impossible de remettre|message non remis)/i.test(
      parsed.subject ?? '',
    ) ||
    (headers.get('x-failed-recipients') ?? '') !== '';
  if (!structured && !statusPart && !looksLikeBounce && !/delivery-status/i.test(contentType)) {
    return null;
  }
  const returnedText = returned.map((a) => a.content.toString('utf8')).join('\n');
  const status =
    statusCode(fields.get('status')) ??
    statusCode(fields.get('diagnostic-code')) ??
    statusCode(text);
  const recipient = addressIn(
    fields.get('final-recipient') ??
      fields.get('original-recipient') ??
      headers.get('x-failed-recipients'),
  );
  const originalMessageId =
    headerIn(returnedText, 'message-id') ?? headerIn(text, 'message-id') ?? null;
  return {
    status,
    action: fields.get('action')?.toLowerCase() ?? null,
    recipient,
    originalMessageId,
    structured: structured || statusBody !== null,
    diagnostic: fields.get('diagnostic-code')?.slice(0, 500) ?? null,
  };
}

/** RFC 3464 per-message and per-recipient fields, later ones winning (the recipient block). */
function dsnFields(body: string): Map<string, string> {
  const fields = new Map<string, string>();
  const unfolded = body.replace(/\r?\n[ \t]+/g, ' ');
  for (const line of unfolded.split(/\r?\n/)) {
    const match = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
    if (match?.[1] && match[2] !== undefined) fields.set(match[1].toLowerCase(), match[2].trim());
  }
  return fields;
}

function statusCode(value: string | undefined): string | null {
  if (!value) return null;
  const match = /\b([245])\.(\d{1,3})\.(\d{1,3})\b/.exec(value);
  return match ? `${match[1]}.${match[2]}.${match[3]}` : null;
}

function addressIn(value: string | undefined): string | null {
  if (!value) return null;
  const match = /([^\s;<>"]+@[^\s;<>"]+\.[^\s;<>"]+)/.exec(value);
  return match?.[1] ? match[1].toLowerCase() : null;
}

function headerIn(text: string, name: string): string | null {
  const match = new RegExp(`^${name}:\\s*(<[^<>\\s]+@[^<>\\s]+>)`, 'im').exec(text);
  return match?.[1] ?? null;
}

function normaliseId(value: string | undefined): string | null {
  if (!value) return null;
  const match = value.match(MESSAGE_ID);
  if (match?.[0]) return match[0];
  const bare = value.trim();
  return /^[^<>\s]+@[^<>\s]+$/.test(bare) && bare.length <= 990 ? `<${bare}>` : null;
}

function idsOf(value: string | string[] | undefined): string[] {
  const all = Array.isArray(value) ? value.join(' ') : (value ?? '');
  const found = all.match(MESSAGE_ID) ?? [];
  if (found.length > 0) return found;
  return all
    .split(/\s+/)
    .map((part) => normaliseId(part))
    .filter((id): id is string => id !== null);
}

function firstAddress(
  value: AddressObject | AddressObject[] | undefined,
): { address?: string | undefined; name: string } | undefined {
  const list = Array.isArray(value) ? value : value ? [value] : [];
  for (const object of list) {
    for (const entry of object.value) {
      if (entry.address) return entry;
    }
  }
  return undefined;
}

function addressesOf(value: AddressObject | AddressObject[] | undefined): string[] {
  const list = Array.isArray(value) ? value : value ? [value] : [];
  return list.flatMap((object) =>
    object.value.flatMap((entry) => (entry.address ? [entry.address.toLowerCase()] : [])),
  );
}

function headerText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(headerText).join(', ');
  if (value && typeof value === 'object') {
    if ('text' in value && typeof value.text === 'string') return value.text;
    if ('value' in value && typeof value.value === 'string') {
      const params =
        'params' in value && value.params && typeof value.params === 'object'
          ? Object.entries(value.params as Record<string, unknown>)
              .map(([k, v]) => `; ${k}="${String(v)}"`)
              .join('')
          : '';
      return `${value.value}${params}`;
    }
  }
  return String(value);
}

function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<br\s*\/?>|<\/(p|div|li|tr|h\d)>/gi, '\n')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/[ \t]+/g, ' ')
    .trim();
}

function knownCharset(name: string): boolean {
  try {
    new TextDecoder(name.toLowerCase());
    return true;
  } catch {
    return false;
  }
}
