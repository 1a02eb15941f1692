import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_CONFIG } from '@outreach/service-kit/config';
import type { MailSecurityMode } from '@outreach/db';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import type { ApiConfig } from '../../config/api-config.schema.js';

/** A server and its login, the password in memory only for the length of one probe. */
export interface MailServerLogin {
  host: string;
  port: number;
  security: MailSecurityMode;
  username: string;
  password: string;
}

/** What a probe found: connected and logged in, or the server's (or the network's) own message. */
export type ProbeResult = { ok: true } | { ok: false; error: string };

const MAX_ERROR_LENGTH = 500;

/**
 * Connects to a mailbox's SMTP server (nodemailer `verify()`: connect, TLS as configured,
 * authenticate) or IMAP server (imapflow connect + logout) with short timeouts
 * (MAILBOX_VERIFY_TIMEOUT_MS), and answers what happened. Never throws for a server that is
 * unreachable, refuses the connection or the login: that is an answer. Both clients run with
 * their loggers off, and the password is cut out of any message before it is returned.
 */
@Injectable()
export class MailServerProbe {
  private readonly timeoutMs: number;

  constructor(@Inject(SERVICE_CONFIG) config: ApiConfig) {
    this.timeoutMs = config.mailboxVerifyTimeoutMs;
  }

  async smtp(login: MailServerLogin): Promise<ProbeResult> {
    const transporter = nodemailer.createTransport({
      host: login.host,
      port: login.port,
      secure: login.security === 'tls',
      requireTLS: login.security === 'starttls',
      ignoreTLS: login.security === 'none',
      auth: { user: login.username, pass: login.password },
      connectionTimeout: this.timeoutMs,
      greetingTimeout: this.timeoutMs,
      socketTimeout: this.timeoutMs,
      logger: false,
      debug: false,
    });
    try {
      await transporter.verify();
      return { ok: true };
    } catch (error) {
      return { ok: false, error: describe(error, login.password) };
    } finally {
      transporter.close();
    }
  }

  async imap(login: MailServerLogin): Promise<ProbeResult> {
    const client = new ImapFlow({
      host: login.host,
      port: login.port,
      secure: login.security === 'tls',
      doSTARTTLS:
        login.security === 'starttls' ? true : login.security === 'none' ? false : undefined,
      auth: { user: login.username, pass: login.password },
      logger: false,
      connectionTimeout: this.timeoutMs,
      greetingTimeout: this.timeoutMs,
      socketTimeout: this.timeoutMs,
    });
    // A late socket error after a failed connect must not become an unhandled 'error' event.
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.logout();
      return { ok: true };
    } catch (error) {
      return { ok: false, error: describe(error, login.password) };
    } finally {
      client.close();
    }
  }
}

/** The server's own words when it gave some (`response`, `responseText`), else the error's. */
function describe(error: unknown, password: string): string {
  const details = error as {
    message?: unknown;
    response?: unknown;
    responseText?: unknown;
    code?: unknown;
  };
  const parts = [details.message, details.responseText, details.response]
    .filter((part): part is string => typeof part === 'string' && part.trim() !== '')
    .filter((part, index, all) => !all.slice(0, index).some((earlier) => earlier.includes(part)));
  let text = parts.join(': ') || (typeof details.code === 'string' ? details.code : 'failed');
  if (password !== '') text = text.split(password).join('***');
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;
}
