import { randomUUID } from 'node:crypto';
import type { SendMailOptions } from 'nodemailer';

/** One campaign e-mail, rendered, as the engine hands it to the mailer. */
export interface OutboundMail {
  from: { address: string; name?: string | null };
  to: string;
  /** Sent as given: the engine prefixes "Re: " for a step sent as a reply. */
  subject: string;
  /** The plain-text part. */
  text: string;
  /** The HTML part (the pixel is added by composeMail). */
  html: string;
  /** `<id@domain>`, see newMessageId. */
  messageId: string;
  /** Thread: the previous message's Message-ID. */
  inReplyTo?: string | null;
  /** Thread: the Message-IDs of the thread, oldest first. */
  references?: readonly string[];
  /** The tracker's https one-click URL and a `mailto:` URL. */
  unsubscribe: { url: string; mailto: string };
  /** Tracking pixel URL, appended to the HTML body as a 1×1 image when given. */
  pixelUrl?: string | null;
}

/** Thrown by composeMail for a mail that cannot be sent as given; the message names the field. */
export class InvalidMailError extends Error {
  override readonly name = 'InvalidMailError';
}

const ADDRESS = /^[^\s<>@"(),;:]+@[^\s<>@"(),;:]+\.[^\s<>@"(),;:]+$/;
const MESSAGE_ID = /^<[^\s<>@]+@[^\s<>@]+>$/;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * A new Message-ID `<random UUID@domain of the sender>` (122 random bits; randomUUID draws its
 * random bytes for 128 ids at a time, not a system call per send).
 */
export function newMessageId(fromAddress: string): string {
  const at = fromAddress.lastIndexOf('@');
  const domain =
    at < 0
      ? ''
      : fromAddress
          .slice(at + 1)
          .trim()
          .toLowerCase();
  if (!ADDRESS.test(fromAddress.trim()) || domain === '') {
    throw new InvalidMailError(`newMessageId: "${fromAddress}" is not an e-mail address`);
  }
  return `<${randomUUID()}@${domain}>`;
}

/**
 * The nodemailer message for a campaign e-mail: From, To, Subject (as given), Message-ID,
 * In-Reply-To and References (only when given), `List-Unsubscribe: <https…>, <mailto:…>` and
 * `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058), a plain-text part and an HTML
 * part with the tracking pixel before `</body>` when a pixel URL is given. Throws
 * InvalidMailError naming the field to fix.
 */
export function composeMail(mail: OutboundMail): SendMailOptions {
  const fromAddress = mail.from.address.trim();
  if (!ADDRESS.test(fromAddress)) {
    throw new InvalidMailError(`from.address "${mail.from.address}" is not an e-mail address`);
  }
  const to = mail.to.trim();
  if (!ADDRESS.test(to)) throw new InvalidMailError(`to "${mail.to}" is not an e-mail address`);
  if (/[\r\n]/.test(mail.subject)) {
    throw new InvalidMailError('subject must be one line (no line breaks)');
  }
  if (mail.from.name != null && /[\r\n]/.test(mail.from.name)) {
    throw new InvalidMailError('from.name must be one line (no line breaks)');
  }
  assertMessageId('messageId', mail.messageId);
  if (mail.inReplyTo != null) assertMessageId('inReplyTo', mail.inReplyTo);
  const references = mail.references ?? [];
  references.forEach((id, index) => {
    assertMessageId(`references[${index}]`, id);
  });
  const unsubscribeUrl = httpsUrl('unsubscribe.url', mail.unsubscribe.url);
  if (!/^mailto:[^\s<>]+@[^\s<>]+$/i.test(mail.unsubscribe.mailto)) {
    throw new InvalidMailError(
      `unsubscribe.mailto must be a mailto: URL, got "${mail.unsubscribe.mailto}"`,
    );
  }
  const html =
    mail.pixelUrl != null ? withPixel(mail.html, httpsUrl('pixelUrl', mail.pixelUrl)) : mail.html;

  const options: SendMailOptions = {
    from: mail.from.name ? { name: mail.from.name, address: fromAddress } : fromAddress,
    to,
    subject: mail.subject,
    text: mail.text,
    html,
    messageId: mail.messageId,
    list: { unsubscribe: [[unsubscribeUrl, mail.unsubscribe.mailto]] },
    headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    envelope: { from: fromAddress, to: [to] },
  };
  if (mail.inReplyTo != null) options.inReplyTo = mail.inReplyTo;
  if (references.length > 0) options.references = [...references];
  return options;
}

function assertMessageId(field: string, value: string): void {
  if (!MESSAGE_ID.test(value)) {
    throw new InvalidMailError(`${field} must be a Message-ID like <id@domain>, got "${value}"`);
  }
}

/** An https URL (http only on a loopback host: the local stack's tracker). */
function httpsUrl(field: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidMailError(`${field} must be an absolute https URL, got "${value}"`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    throw new InvalidMailError(`${field} must be an https URL, got "${value}"`);
  }
  return url.href;
}

/** The HTML with a 1×1 image of the pixel URL before the last `</body>`, or at its end. */
function withPixel(html: string, pixelUrl: string): string {
  const img = `<img src="${escapeAttribute(pixelUrl)}" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0" />`;
  const close = html.toLowerCase().lastIndexOf('</body>');
  return close < 0 ? `${html}${img}` : `${html.slice(0, close)}${img}${html.slice(close)}`;
}

function escapeAttribute(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/"/g, '&quot;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}
