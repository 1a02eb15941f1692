/**
 * What a failed send means for the engine:
 * - `transient`: try again later (a 4xx reply, a timeout, a refused or dropped connection).
 *   A connection dropped after the message was sent may still have delivered it: the engine
 *   reconciles before sending again.
 * - `recipient_rejected`: a 5xx reply to RCPT TO or DATA: the recipient bounced.
 * - `auth`: the mailbox's login was refused (530/534/535, EAUTH): the mailbox is in error.
 * - `protocol`: the server answered something unexpected (not SMTP, a 5xx to another command,
 *   a TLS failure): neither retried nor blamed on the recipient.
 */
export type SmtpFailureKind = 'transient' | 'recipient_rejected' | 'auth' | 'protocol';

/** A classified SMTP failure; its message never holds the mailbox's password. */
export class SmtpSendError extends Error {
  override readonly name = 'SmtpSendError';

  constructor(
    readonly kind: SmtpFailureKind,
    message: string,
    /** The server's reply code, when it answered one. */
    readonly responseCode: number | null = null,
    /** The server's reply, when it answered one. */
    readonly response: string | null = null,
    /** The SMTP command in flight (`RCPT TO`, `DATA`, `AUTH PLAIN`, `CONN`…), when known. */
    readonly command: string | null = null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const TRANSIENT_CODES = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
/** Node's TLS verification failures: the server's certificate, not the network (never retried). */
const CERTIFICATE_ERROR = /CERT|SELF_SIGNED|UNABLE_TO_|^ERR_TLS_|^ERR_SSL_/;
const AUTH_REPLY_CODES = new Set([530, 534, 535]);
const RECIPIENT_COMMANDS = new Set(['RCPT TO', 'DATA']);

interface ErrorFields {
  message?: unknown;
  code?: unknown;
  originalCode?: unknown;
  responseCode?: unknown;
  response?: unknown;
  command?: unknown;
}

/**
 * Classifies what nodemailer (or the socket) threw: a 4xx reply or a dropped/timed-out
 * connection → transient; a 5xx reply to RCPT TO or DATA → recipient_rejected; 530/534/535 or
 * a refused login (EAUTH, ENOAUTH) → auth; anything else (garbage, another 5xx, a TLS or
 * certificate failure) → protocol. `secrets` (the password) are cut out of the message and the reply.
 */
export function classifySmtpError(error: unknown, secrets: readonly string[] = []): SmtpSendError {
  if (error instanceof SmtpSendError) return error;
  const fields: ErrorFields = typeof error === 'object' && error !== null ? error : {};
  const code = typeof fields.code === 'string' ? fields.code : null;
  const responseCode =
    typeof fields.responseCode === 'number' && Number.isInteger(fields.responseCode)
      ? fields.responseCode
      : null;
  const response = typeof fields.response === 'string' ? scrub(fields.response, secrets) : null;
  const command = typeof fields.command === 'string' ? fields.command : null;
  const text = scrub(typeof fields.message === 'string' ? fields.message : String(error), secrets);
  const originalCode = typeof fields.originalCode === 'string' ? fields.originalCode : null;
  const kind =
    originalCode !== null && CERTIFICATE_ERROR.test(originalCode)
      ? 'protocol'
      : kindOf(code, responseCode, command);
  return new SmtpSendError(kind, `${kind}: ${text}`, responseCode, response, command, {
    cause: error,
  });
}

function kindOf(
  code: string | null,
  responseCode: number | null,
  command: string | null,
): SmtpFailureKind {
  if (responseCode !== null && responseCode >= 400 && responseCode < 500) return 'transient';
  if (responseCode !== null && AUTH_REPLY_CODES.has(responseCode)) return 'auth';
  if (code === 'EAUTH' || code === 'ENOAUTH') return 'auth';
  if (responseCode !== null && responseCode >= 500 && responseCode < 600) {
    // 503 is "bad sequence of commands": the session, not the recipient.
    if (responseCode !== 503 && command !== null && RECIPIENT_COMMANDS.has(command)) {
      return 'recipient_rejected';
    }
    return 'protocol';
  }
  if (code === 'EENVELOPE' && command === 'API') return 'recipient_rejected';
  if (code !== null && TRANSIENT_CODES.has(code)) return 'transient';
  return 'protocol';
}

/** The text with every secret (and its base64 form, as AUTH LOGIN sends it) replaced by ***. */
function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret === '') continue;
    for (const form of [secret, Buffer.from(secret, 'utf8').toString('base64')]) {
      out = out.split(form).join('***');
    }
  }
  return out;
}
