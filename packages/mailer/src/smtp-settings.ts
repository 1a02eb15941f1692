import type { SMTPTransportOptions } from 'nodemailer';

/** How a mailbox's SMTP connection is secured: the values of delivery.mailboxes.smtp_security. */
export type SmtpSecurity = 'tls' | 'starttls' | 'none';

export const SMTP_SECURITY_MODES: readonly SmtpSecurity[] = ['tls', 'starttls', 'none'];

/** A mailbox's SMTP server and login; the password is decrypted into memory only. */
export interface SmtpSettings {
  host: string;
  port: number;
  security: SmtpSecurity;
  username: string;
  password: string;
}

/** DKIM signing key of the sending domain (`d=domainName`, `s=keySelector`, PEM private key). */
export interface DkimSettings {
  domainName: string;
  keySelector: string;
  privateKey: string;
}

export interface SmtpConnectionTuning {
  connectionTimeoutMs: number;
  socketTimeoutMs: number;
  /** Accept a server certificate that does not verify (self-signed test servers only). */
  allowUnauthorizedTls?: boolean;
}

/**
 * nodemailer options for a mailbox's SMTP server, the one mapping of `SmtpSecurity` that every
 * SMTP client of the platform uses: `tls` is implicit TLS (port 465), `starttls` refuses a
 * server that does not upgrade, `none` never upgrades. Loggers are off, so nothing (least of
 * all a credential) is logged; file and URL access from message content is refused.
 */
export function smtpTransportOptions(
  smtp: SmtpSettings,
  tuning: SmtpConnectionTuning,
): SMTPTransportOptions {
  assertSmtpSettings(smtp);
  return {
    host: smtp.host,
    port: smtp.port,
    secure: smtp.security === 'tls',
    requireTLS: smtp.security === 'starttls',
    ignoreTLS: smtp.security === 'none',
    auth: { user: smtp.username, pass: smtp.password },
    connectionTimeout: tuning.connectionTimeoutMs,
    greetingTimeout: tuning.connectionTimeoutMs,
    socketTimeout: tuning.socketTimeoutMs,
    tls: { rejectUnauthorized: tuning.allowUnauthorizedTls !== true },
    logger: false,
    debug: false,
    transactionLog: false,
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

/** Throws a TypeError naming the field to fix when the settings cannot be an SMTP server. */
export function assertSmtpSettings(smtp: SmtpSettings): void {
  if (typeof smtp.host !== 'string' || smtp.host.trim() === '') {
    throw new TypeError('smtp.host must be a host name or address');
  }
  if (!Number.isInteger(smtp.port) || smtp.port < 1 || smtp.port > 65535) {
    throw new TypeError(`smtp.port must be an integer from 1 to 65535, got ${String(smtp.port)}`);
  }
  if (!SMTP_SECURITY_MODES.includes(smtp.security)) {
    throw new TypeError(
      `smtp.security must be one of ${SMTP_SECURITY_MODES.join(', ')}, got ${smtp.security}`,
    );
  }
  if (typeof smtp.username !== 'string' || smtp.username.trim() === '') {
    throw new TypeError('smtp.username must not be empty');
  }
  if (typeof smtp.password !== 'string') throw new TypeError('smtp.password must be a string');
}
