import { randomBytes } from 'node:crypto';
import { headerValue, type ReceivedMail } from '../smtp-sink.js';

/** A person reading mail in Thunderbird: the tracker counts it as a human open. */
export const PERSON_USER_AGENT =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Thunderbird/128.5.0';
/**
 * Apple Mail Privacy Protection: Apple's proxy fetches every image of every mail with this bare
 * agent, whether or not the person reads it; the tracker counts it as a machine open (proxy).
 */
export const APPLE_PROXY_USER_AGENT = 'Mozilla/5.0';

/** The links a received campaign mail carries: its pixel and its one-click unsubscribe. */
export interface MailLinks {
  pixelUrl: string;
  unsubscribeUrl: string;
}

/** The pixel (the HTML part's 1x1 image) and the `List-Unsubscribe` https/http link of a mail. */
export function mailLinks(mail: ReceivedMail): MailLinks {
  // Quoted-printable soft line breaks removed; the URLs themselves hold no `=`.
  const text = mail.raw.toString('utf8').replace(/=\r?\n/g, '');
  const pixelUrl = /https?:\/\/[^\s"'<>]+\/p\/[A-Za-z0-9._~-]+\.gif/.exec(text)?.[0];
  const header = headerValue(mail.raw, 'list-unsubscribe') ?? '';
  const unsubscribeUrl = /<(https?:\/\/[^>]+)>/.exec(header)?.[1];
  if (!pixelUrl || !unsubscribeUrl) {
    throw new Error(
      `mail ${mail.messageId ?? '?'} to ${mail.to.join(', ')} has no pixel or no List-Unsubscribe link`,
    );
  }
  return { pixelUrl, unsubscribeUrl };
}

/** Loads the pixel as a mail client with `userAgent` would; the tracker always answers a GIF. */
export async function loadPixel(url: string, userAgent: string): Promise<void> {
  const response = await fetch(url, { headers: { 'user-agent': userAgent, connection: 'close' } });
  const type = response.headers.get('content-type') ?? '';
  await response.arrayBuffer();
  if (response.status !== 200 || !type.startsWith('image/gif')) {
    throw new Error(`GET ${url} answered ${response.status} ${type}, not the GIF`);
  }
}

/** The RFC 8058 one-click unsubscribe a mail client sends: POST List-Unsubscribe=One-Click. */
export async function unsubscribeOneClick(url: string): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', connection: 'close' },
    body: 'List-Unsubscribe=One-Click',
  });
  await response.text();
  if (response.status !== 200) throw new Error(`POST ${url} answered ${response.status}`);
}

/** What a prospect's answer is about: the campaign mail it answers. */
export interface Original {
  /** The campaign mail's Message-ID, with its angle brackets. */
  messageId: string;
  subject: string;
  /** The prospect (who answers) and the campaign's mailbox (who receives the answer). */
  prospect: string;
  mailbox: string;
}

function envelope(original: Original, from: string, subject: string, date: Date): string[] {
  const domain = from.split('@')[1] ?? 'example.invalid';
  return [
    `From: ${from}`,
    `To: ${original.mailbox}`,
    `Subject: ${subject}`,
    `Date: ${date.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${randomBytes(12).toString('hex')}@${domain}>`,
    'MIME-Version: 1.0',
  ];
}

/** A person's answer to the mail (In-Reply-To and References name it), as raw RFC 5322 text. */
export function humanReply(original: Original, text: string, date = new Date()): string {
  return [
    ...envelope(original, original.prospect, `Re: ${original.subject}`, date),
    `In-Reply-To: ${original.messageId}`,
    `References: ${original.messageId}`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    text,
    '',
    `Le ${date.toUTCString()}, ${original.mailbox} a écrit :`,
    '> …',
    '',
  ].join('\r\n');
}

/** An out-of-office answer (RFC 3834 `Auto-Submitted: auto-replied`). */
export function autoReply(original: Original, returnDate: string, date = new Date()): string {
  return [
    ...envelope(original, original.prospect, `Réponse automatique : ${original.subject}`, date),
    `In-Reply-To: ${original.messageId}`,
    `References: ${original.messageId}`,
    'Auto-Submitted: auto-replied',
    'X-Autoreply: yes',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    `Bonjour, je suis absent jusqu'au ${returnDate} et je lirai votre message à mon retour.`,
    '',
  ].join('\r\n');
}

/**
 * A delivery status notification (RFC 3464) from the recipient's server: the address does not
 * exist (5.1.1), with the original mail's headers attached.
 */
export function bounceReport(original: Original, date = new Date()): string {
  const boundary = `dsn-${randomBytes(8).toString('hex')}`;
  const server = original.prospect.split('@')[1] ?? 'example.invalid';
  const from = `MAILER-DAEMON@${server}`;
  return [
    ...envelope(original, from, 'Undelivered Mail Returned to Sender', date),
    'Auto-Submitted: auto-replied',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Your message to <${original.prospect}> could not be delivered: the mailbox does not exist.`,
    '',
    `--${boundary}`,
    'Content-Type: message/delivery-status',
    '',
    `Reporting-MTA: dns; mx.${server}`,
    '',
    `Final-Recipient: rfc822; ${original.prospect}`,
    'Action: failed',
    'Status: 5.1.1',
    'Diagnostic-Code: smtp; 550 5.1.1 <' + original.prospect + '>: Recipient address rejected',
    '',
    `--${boundary}`,
    'Content-Type: text/rfc822-headers',
    '',
    `From: ${original.mailbox}`,
    `To: ${original.prospect}`,
    `Subject: ${original.subject}`,
    `Message-ID: ${original.messageId}`,
    '',
    `--${boundary}--`,
    '',
  ].join('\r\n');
}
