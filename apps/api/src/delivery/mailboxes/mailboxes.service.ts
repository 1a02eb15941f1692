import { randomUUID } from 'node:crypto';
import {
  BadRequestException,
  ConflictException,
  Inject,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import {
  InvalidInputError,
  type Mailbox,
  type OrganisationId,
  type Page,
  type UpdateInput,
} from '@outreach/db';
import {
  mailboxSecretAad,
  SecretDecryptionError,
  type MailboxSecretField,
  type SecretKeyRing,
} from '@outreach/secrets';
import { SERVICE_CONFIG } from '@outreach/service-kit/config';
import { TenantDatabase } from '@outreach/tenancy';
import type { ApiConfig } from '../../config/api-config.schema.js';
import type { CreateMailboxDto } from './dto/create-mailbox.dto.js';
import type { ListMailboxesQuery } from './dto/list-mailboxes.query.js';
import type { UpdateMailboxDto } from './dto/update-mailbox.dto.js';
import type { WarmupDto } from './dto/warmup.dto.js';
import { MailServerProbe, type MailServerLogin, type ProbeResult } from './mail-server-probe.js';
import { mailboxView, type MailboxView } from './mailbox.view.js';

/** What `POST …/verify` answers: each server's result (IMAP null when not configured). */
export interface MailboxVerification {
  smtp: ProbeResult;
  imap: ProbeResult | null;
  mailbox: MailboxView;
}

/** The foreign keys that make a mailbox "in use" (migration V20251226_100000). */
const IN_USE = new Set(['campaigns_mailbox_fkey', 'messages_mailbox_fkey']);

/**
 * The organisation's mailboxes. Passwords are sealed with the current key of
 * MAILBOX_SECRET_KEYS (AES-256-GCM, additional data `<organisation>:<mailbox>:<field>`) before
 * they reach the repository, opened only in memory by `verify`, and never answered or logged:
 * every answer is a MailboxView built field by field.
 */
@Injectable()
export class MailboxesService {
  private readonly secrets: SecretKeyRing;

  constructor(
    private readonly database: TenantDatabase,
    private readonly probe: MailServerProbe,
    @Inject(SERVICE_CONFIG) config: ApiConfig,
  ) {
    this.secrets = config.mailboxSecrets;
  }

  async create(body: CreateMailboxDto): Promise<MailboxView> {
    const organisationId = this.database.organisationId();
    checkWarmup(body.warmup);
    const id = randomUUID();
    const smtp = this.seal(organisationId, id, 'smtp_password', body.smtp.password);
    const imap = body.imap
      ? this.seal(organisationId, id, 'imap_password', body.imap.password)
      : null;
    const row = await this.mailboxes().create(organisationId, {
      id,
      emailAddress: body.emailAddress,
      displayName: body.displayName ?? null,
      smtpHost: body.smtp.host,
      smtpPort: body.smtp.port,
      smtpSecurity: body.smtp.security,
      smtpUsername: body.smtp.username,
      smtpPasswordEncrypted: smtp,
      imapHost: body.imap?.host ?? null,
      imapPort: body.imap?.port ?? null,
      imapSecurity: body.imap?.security ?? null,
      imapUsername: body.imap?.username ?? null,
      imapPasswordEncrypted: imap,
      secretKeyId: this.secrets.currentKeyId,
      dailyCap: body.dailyCap,
      ...warmupColumns(body.warmup ?? null),
      minSpacingSeconds: body.minSpacingSeconds,
      status: body.status,
    });
    return mailboxView(row);
  }

  async list(query: ListMailboxesQuery): Promise<Page<MailboxView>> {
    const { cursor, limit, direction, sort, status, emailAddress } = query;
    const page = await this.mailboxes().list(this.database.organisationId(), {
      cursor,
      limit,
      direction,
      sort: sort ?? 'createdAt',
      filters: { ...(status ? { status } : {}), ...(emailAddress ? { emailAddress } : {}) },
    });
    return { items: page.items.map(mailboxView), nextCursor: page.nextCursor };
  }

  async get(id: string): Promise<MailboxView> {
    return mailboxView(await this.find(this.database.organisationId(), id));
  }

  async update(id: string, body: UpdateMailboxDto): Promise<MailboxView> {
    const organisationId = this.database.organisationId();
    const current = await this.find(organisationId, id);
    checkWarmup(body.warmup);
    const patch: UpdateInput<Mailbox, 'id'> = {
      emailAddress: body.emailAddress,
      displayName: body.displayName,
      dailyCap: body.dailyCap,
      minSpacingSeconds: body.minSpacingSeconds,
      status: body.status,
      smtpHost: body.smtp?.host,
      smtpPort: body.smtp?.port,
      smtpSecurity: body.smtp?.security,
      smtpUsername: body.smtp?.username,
    };
    if (body.warmup !== undefined) Object.assign(patch, warmupColumns(body.warmup, current));
    // Passwords: the new ones given, the stored ones otherwise; all re-sealed with the current
    // key whenever one changes or the row still names an older key (rotation on write).
    let smtpPassword = body.smtp?.password;
    let imapPassword: string | null | undefined = body.imap === null ? null : body.imap?.password;
    if (body.imap === null) {
      Object.assign(patch, {
        imapHost: null,
        imapPort: null,
        imapSecurity: null,
        imapUsername: null,
        imapPasswordEncrypted: null,
      });
    } else if (body.imap !== undefined) {
      const merged = {
        host: body.imap.host ?? current.imapHost,
        port: body.imap.port ?? current.imapPort,
        security: body.imap.security ?? current.imapSecurity,
        username: body.imap.username ?? current.imapUsername,
      };
      const missing = Object.entries({
        ...merged,
        password: imapPassword ?? current.imapPasswordEncrypted,
      })
        .filter(([, value]) => value === null)
        .map(([name]) => name);
      if (missing.length > 0) {
        throw new BadRequestException({
          statusCode: 400,
          error: 'Bad Request',
          message: `Invalid request: imap: adding IMAP needs host, port, security, username and password (missing ${missing.join(', ')})`,
          errors: missing.map((name) => ({
            field: `imap.${name}`,
            messages: ['required to add IMAP'],
          })),
        });
      }
      Object.assign(patch, {
        imapHost: merged.host,
        imapPort: merged.port,
        imapSecurity: merged.security,
        imapUsername: merged.username,
      });
    }
    const rotate = this.secrets.needsRotation(current.secretKeyId);
    if (
      smtpPassword !== undefined ||
      (imapPassword !== undefined && imapPassword !== null) ||
      rotate
    ) {
      smtpPassword ??= this.open(current, 'smtp_password');
      if (imapPassword === undefined && current.imapPasswordEncrypted) {
        imapPassword = this.open(current, 'imap_password');
      }
      Object.assign(patch, {
        secretKeyId: this.secrets.currentKeyId,
        smtpPasswordEncrypted: this.seal(organisationId, id, 'smtp_password', smtpPassword),
        ...(typeof imapPassword === 'string'
          ? { imapPasswordEncrypted: this.seal(organisationId, id, 'imap_password', imapPassword) }
          : {}),
      });
    }
    const row = await this.mailboxes().update(organisationId, id, patch);
    if (!row) throw notFound();
    return mailboxView(row);
  }

  async remove(id: string): Promise<void> {
    try {
      if (!(await this.mailboxes().delete(this.database.organisationId(), id))) throw notFound();
    } catch (error) {
      if (error instanceof InvalidInputError && IN_USE.has(error.constraint ?? '')) {
        throw new ConflictException(
          error.constraint === 'campaigns_mailbox_fkey'
            ? 'this mailbox is used by a campaign and cannot be deleted: pause it instead (PATCH status "paused")'
            : 'this mailbox has sent or received messages and cannot be deleted: pause it instead (PATCH status "paused")',
        );
      }
      throw error;
    }
  }

  /**
   * Logs in to the SMTP server (and the IMAP server when set) with the stored passwords, opened
   * in memory only. Records `verified_at` (and leaves `error` for `active`) on success, or
   * `status = 'error'` with `last_error` on failure; the answer is each server's result.
   */
  async verify(id: string): Promise<MailboxVerification> {
    const organisationId = this.database.organisationId();
    const mailbox = await this.find(organisationId, id);
    const smtp = await this.probeWith(mailbox, 'smtp_password', (password) =>
      this.probe.smtp({
        host: mailbox.smtpHost,
        port: mailbox.smtpPort,
        security: mailbox.smtpSecurity,
        username: mailbox.smtpUsername,
        password,
      }),
    );
    const imapLogin = imapOf(mailbox);
    const imap = imapLogin
      ? await this.probeWith(mailbox, 'imap_password', (password) =>
          this.probe.imap({ ...imapLogin, password }),
        )
      : null;
    const failures = [
      smtp.ok ? null : `smtp: ${smtp.error}`,
      imap === null || imap.ok ? null : `imap: ${imap.error}`,
    ].filter((failure): failure is string => failure !== null);
    const now = new Date();
    const patch: UpdateInput<Mailbox, 'id'> =
      failures.length === 0
        ? {
            verifiedAt: now,
            lastError: null,
            lastErrorAt: null,
            ...(mailbox.status === 'error' ? { status: 'active' as const } : {}),
          }
        : { status: 'error', lastError: failures.join('; ').slice(0, 2000), lastErrorAt: now };
    const row = await this.mailboxes().update(organisationId, id, patch);
    if (!row) throw notFound();
    return { smtp, imap, mailbox: mailboxView(row) };
  }

  private async probeWith(
    mailbox: Mailbox,
    field: MailboxSecretField,
    run: (password: string) => Promise<ProbeResult>,
  ): Promise<ProbeResult> {
    let password: string;
    try {
      password = this.open(mailbox, field);
    } catch (error) {
      if (error instanceof ConflictException) return { ok: false, error: error.message };
      throw error;
    }
    return run(password);
  }

  private seal(
    organisationId: OrganisationId,
    mailboxId: string,
    field: MailboxSecretField,
    password: string,
  ): Buffer {
    return this.secrets.encrypt(password, mailboxSecretAad(organisationId, mailboxId, field))
      .sealed;
  }

  /** A stored password, in memory; a key that is gone is a 409 saying what to do. */
  private open(mailbox: Mailbox, field: MailboxSecretField): string {
    const sealed =
      field === 'smtp_password' ? mailbox.smtpPasswordEncrypted : mailbox.imapPasswordEncrypted;
    if (!sealed) throw new ConflictException(`the mailbox has no stored ${field}`);
    try {
      return this.secrets.decrypt(
        sealed,
        mailbox.secretKeyId,
        mailboxSecretAad(mailbox.organisationId, mailbox.id, field),
      );
    } catch (error) {
      if (error instanceof SecretDecryptionError) {
        throw new ConflictException(
          `the stored ${field.replace('_', ' ')} cannot be decrypted (${error.message}): set the password again`,
        );
      }
      throw error;
    }
  }

  private async find(organisationId: OrganisationId, id: string): Promise<Mailbox> {
    const row = await this.mailboxes().find(organisationId, id);
    if (!row) throw notFound();
    return row;
  }

  private mailboxes() {
    return this.database.repositories().mailboxes;
  }
}

function notFound(): NotFoundException {
  return new NotFoundException('mailbox not found');
}

function imapOf(mailbox: Mailbox): Omit<MailServerLogin, 'password'> | null {
  if (
    mailbox.imapHost === null ||
    mailbox.imapPort === null ||
    mailbox.imapSecurity === null ||
    mailbox.imapUsername === null
  ) {
    return null;
  }
  return {
    host: mailbox.imapHost,
    port: mailbox.imapPort,
    security: mailbox.imapSecurity,
    username: mailbox.imapUsername,
  };
}

function checkWarmup(warmup: WarmupDto | null | undefined): void {
  if (warmup && warmup.targetPerDay < warmup.startPerDay) {
    throw new BadRequestException({
      statusCode: 400,
      error: 'Bad Request',
      message: 'Invalid request: warmup.targetPerDay: must be at least warmup.startPerDay',
      errors: [{ field: 'warmup.targetPerDay', messages: ['must be at least warmup.startPerDay'] }],
    });
  }
}

/** The ramp's columns; day 0 is today unless the same ramp was already running. */
function warmupColumns(
  warmup: WarmupDto | null,
  current?: Mailbox,
): Pick<
  UpdateInput<Mailbox, 'id'>,
  'warmupStartPerDay' | 'warmupIncrementPerDay' | 'warmupTargetPerDay' | 'warmupStartedOn'
> {
  if (!warmup) {
    return {
      warmupStartPerDay: null,
      warmupIncrementPerDay: null,
      warmupTargetPerDay: null,
      warmupStartedOn: null,
    };
  }
  return {
    warmupStartPerDay: warmup.startPerDay,
    warmupIncrementPerDay: warmup.incrementPerDay,
    warmupTargetPerDay: warmup.targetPerDay,
    warmupStartedOn: current?.warmupStartedOn ?? new Date().toISOString().slice(0, 10),
  };
}
