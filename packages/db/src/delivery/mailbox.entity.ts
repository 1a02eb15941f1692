import { Entity } from 'typeorm';
import { Col, EnumColumn, TextColumn } from '../columns.js';
import { MutableTenantEntity } from '../mutable-tenant-entity.base.js';
import {
  MAILBOX_STATUSES,
  MAIL_SECURITY_MODES,
  type MailboxStatus,
  type MailSecurityMode,
} from './delivery-values.js';

/**
 * delivery.mailboxes: a sending identity. Passwords are stored encrypted (`*PasswordEncrypted`:
 * AES-256-GCM by @outreach/secrets under `secretKeyId`); nothing here is ever sent to a client.
 */
@Entity({ schema: 'delivery', name: 'mailboxes' })
export class Mailbox extends MutableTenantEntity {
  @TextColumn('email_address', { type: 'citext', maxLength: 320 })
  emailAddress!: string;

  @TextColumn('display_name', { maxLength: 200, nullable: true })
  displayName!: string | null;

  @TextColumn('smtp_host')
  smtpHost!: string;

  @Col('smtp_port', 'integer')
  smtpPort!: number;

  @EnumColumn('smtp_security', MAIL_SECURITY_MODES)
  smtpSecurity!: MailSecurityMode;

  @TextColumn('smtp_username', { maxLength: 320 })
  smtpUsername!: string;

  @Col('smtp_password_encrypted', 'bytea')
  smtpPasswordEncrypted!: Buffer;

  @TextColumn('imap_host', { nullable: true })
  imapHost!: string | null;

  @Col('imap_port', 'integer', { nullable: true })
  imapPort!: number | null;

  @EnumColumn('imap_security', MAIL_SECURITY_MODES, { nullable: true })
  imapSecurity!: MailSecurityMode | null;

  @TextColumn('imap_username', { maxLength: 320, nullable: true })
  imapUsername!: string | null;

  @Col('imap_password_encrypted', 'bytea', { nullable: true })
  imapPasswordEncrypted!: Buffer | null;

  /** SHA-256 of the push endpoint's secret (POST /inbound/:mailboxId); NULL: no push. */
  @Col('inbound_secret_hash', 'bytea', { nullable: true })
  inboundSecretHash!: Buffer | null;

  @TextColumn('secret_key_id')
  secretKeyId!: string;

  @Col('daily_cap', 'integer')
  dailyCap!: number;

  @Col('warmup_start_per_day', 'integer', { nullable: true })
  warmupStartPerDay!: number | null;

  @Col('warmup_increment_per_day', 'integer', { nullable: true })
  warmupIncrementPerDay!: number | null;

  @Col('warmup_target_per_day', 'integer', { nullable: true })
  warmupTargetPerDay!: number | null;

  /** `YYYY-MM-DD`: day 0 of the warm-up ramp. */
  @Col('warmup_started_on', 'date', { nullable: true })
  warmupStartedOn!: string | null;

  @Col('min_spacing_seconds', 'integer')
  minSpacingSeconds!: number;

  @EnumColumn('status', MAILBOX_STATUSES)
  status!: MailboxStatus;

  @TextColumn('last_error', { maxLength: 2_000, nullable: true })
  lastError!: string | null;

  @Col('last_error_at', 'timestamptz', { nullable: true })
  lastErrorAt!: Date | null;

  @Col('verified_at', 'timestamptz', { nullable: true })
  verifiedAt!: Date | null;
}
