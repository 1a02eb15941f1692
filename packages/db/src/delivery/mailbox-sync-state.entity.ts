import { Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { Relation } from 'typeorm';
import { Col, TextColumn } from '../columns.js';
import { Organisation } from '../iam/organisation.entity.js';
import { Mailbox } from './mailbox.entity.js';

/**
 * delivery.mailbox_sync_states: where the IMAP sync of a mailbox folder stands (UIDVALIDITY and
 * the last UID read), keyed by (organisation_id, mailbox_id, folder).
 */
@Entity({ schema: 'delivery', name: 'mailbox_sync_states' })
export class MailboxSyncState {
  @PrimaryColumn({ type: 'uuid', name: 'organisation_id' })
  organisationId!: string;

  @PrimaryColumn({ type: 'uuid', name: 'mailbox_id' })
  mailboxId!: string;

  @PrimaryColumn({ type: 'text', name: 'folder' })
  folder!: string;

  /** bigint: node-postgres returns it as a string. */
  @Col('uid_validity', 'bigint')
  uidValidity!: string;

  @Col('last_uid', 'bigint')
  lastUid!: string;

  @Col('last_synced_at', 'timestamptz', { nullable: true })
  lastSyncedAt!: Date | null;

  @TextColumn('last_error', { maxLength: 2_000, nullable: true })
  lastError!: string | null;

  @Col('last_error_at', 'timestamptz', { nullable: true })
  lastErrorAt!: Date | null;

  @Col('created_at', 'timestamptz')
  createdAt!: Date;

  @Col('updated_at', 'timestamptz')
  updatedAt!: Date;

  @ManyToOne(() => Organisation, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organisation_id', referencedColumnName: 'id' })
  organisation?: Relation<Organisation>;

  @ManyToOne(() => Mailbox, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'organisation_id', referencedColumnName: 'organisationId' },
    { name: 'mailbox_id', referencedColumnName: 'id' },
  ])
  mailbox?: Relation<Mailbox>;
}
