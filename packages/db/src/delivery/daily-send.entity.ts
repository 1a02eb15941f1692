import { Entity, JoinColumn, ManyToOne } from 'typeorm';
import type { Relation } from 'typeorm';
import { Col } from '../columns.js';
import { MutableTenantEntity } from '../mutable-tenant-entity.base.js';
import { Campaign } from '../outreach/campaign.entity.js';
import { Mailbox } from './mailbox.entity.js';

/**
 * delivery.daily_sends: e-mails a mailbox sent for a campaign on the campaign's local day, the
 * counters the engine reads and increments under the mailbox's lock (caps, limits, spacing).
 */
@Entity({ schema: 'delivery', name: 'daily_sends' })
export class DailySend extends MutableTenantEntity {
  @Col('mailbox_id', 'uuid')
  mailboxId!: string;

  @Col('campaign_id', 'uuid')
  campaignId!: string;

  /** The campaign's local day, YYYY-MM-DD. */
  @Col('day', 'date')
  day!: string;

  /** 0-15 (from the task id): increments of a busy mailbox spread over 16 rows. */
  @Col('shard', 'smallint')
  shard!: number;

  @Col('sends', 'integer')
  sends!: number;

  @Col('last_send_at', 'timestamptz', { nullable: true })
  lastSendAt!: Date | null;

  @ManyToOne(() => Mailbox, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'organisation_id', referencedColumnName: 'organisationId' },
    { name: 'mailbox_id', referencedColumnName: 'id' },
  ])
  mailbox?: Relation<Mailbox>;

  @ManyToOne(() => Campaign, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'organisation_id', referencedColumnName: 'organisationId' },
    { name: 'campaign_id', referencedColumnName: 'id' },
  ])
  campaign?: Relation<Campaign>;
}
