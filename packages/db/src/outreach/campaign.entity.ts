import { Entity, JoinColumn, ManyToOne } from 'typeorm';
import type { Relation } from 'typeorm';
import { Col, EnumColumn, TextColumn } from '../columns.js';
import { Mailbox } from '../delivery/mailbox.entity.js';
import { MutableTenantEntity } from '../mutable-tenant-entity.base.js';
import { CAMPAIGN_STATUSES, type CampaignStatus } from './campaign-status.js';

/** outreach.campaigns: A multi-step e-mail campaign sent from one mailbox within a sending window. */
@Entity({ schema: 'outreach', name: 'campaigns' })
export class Campaign extends MutableTenantEntity {
  @TextColumn('name', { maxLength: 200 })
  name!: string;

  @TextColumn('description', { maxLength: 5_000, nullable: true })
  description!: string | null;

  @EnumColumn('status', CAMPAIGN_STATUSES)
  status!: CampaignStatus;

  @Col('mailbox_id', 'uuid', { nullable: true })
  mailboxId!: string | null;

  @TextColumn('timezone')
  timezone!: string;

  /** Local time `HH:MM:SS` in the campaign's time zone. */
  @Col('sending_window_start', 'time')
  sendingWindowStart!: string;

  /** Local time `HH:MM:SS` in the campaign's time zone. */
  @Col('sending_window_end', 'time')
  sendingWindowEnd!: string;

  /** ISO weekdays, 1 = Monday. */
  @Col('sending_days', 'smallint', { array: true })
  sendingDays!: number[];

  /**
   * Public holidays to skip, as a date-holidays code (`FR`, `FR-57`); null sends on holidays.
   * @outreach/sequencing's sending window reads it.
   */
  @TextColumn('public_holidays', { nullable: true })
  publicHolidays!: string | null;

  @Col('daily_limit', 'integer')
  dailyLimit!: number;

  @Col('track_opens', 'boolean')
  trackOpens!: boolean;

  /** A human reply also exits the colleagues enrolled here (same SIREN, else same domain). */
  @Col('exit_company_on_reply', 'boolean')
  exitCompanyOnReply!: boolean;

  @Col('started_at', 'timestamptz', { nullable: true })
  startedAt!: Date | null;

  @Col('completed_at', 'timestamptz', { nullable: true })
  completedAt!: Date | null;

  @ManyToOne(() => Mailbox)
  @JoinColumn([
    { name: 'organisation_id', referencedColumnName: 'organisationId' },
    { name: 'mailbox_id', referencedColumnName: 'id' },
  ])
  mailbox?: Relation<Mailbox>;
}
