import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_CONFIG } from '@outreach/service-kit/config';
import type { MailSecurityMode } from '@outreach/db';
import { describeMailError, imapClientOptions, smtpTransportOptions } from '@outreach/mailer';
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
    let transporter: ReturnType<typeof nodemailer.createTransport> | undefined;
    try {
      transporter = nodemailer.createTransport(
        smtpTransportOptions(login, {
          connectionTimeoutMs: this.timeoutMs,
          socketTimeoutMs: this.timeoutMs,
        }),
      );
      await transporter.verify();
      return { ok: true };
    } catch (error) {
      return { ok: false, error: describeMailError(error, login.password) };
    } finally {
      transporter?.close();
    }
  }

  async imap(login: MailServerLogin): Promise<ProbeResult> {
    const client = new ImapFlow(imapClientOptions(login, this.timeoutMs));
    // A late socket error after a failed connect must not become an unhandled 'error' event.
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.logout();
      return { ok: true };
    } catch (error) {
      return { ok: false, error: describeMailError(error, login.password) };
    } finally {
      client.close();
    }
  }
}
