import { Entity, JoinColumn, ManyToOne } from 'typeorm';
import type { Relation } from 'typeorm';
import { Col, EnumColumn, TextColumn } from '../columns.js';
import { MutableTenantEntity } from '../mutable-tenant-entity.base.js';
import { Message } from '../outreach/message.entity.js';
import { OPEN_IP_CLASSES, OPEN_KINDS, type OpenIpClass, type OpenKind } from './open-kind.js';

/** tracking.message_open_stats: open statistics of one message, human opens apart from proxy and bot opens. */
@Entity({ schema: 'tracking', name: 'message_open_stats' })
export class MessageOpenStats extends MutableTenantEntity {
  @Col('message_id', 'uuid')
  messageId!: string;

  @Col('open_count', 'integer')
  openCount!: number;

  @Col('human_open_count', 'integer')
  humanOpenCount!: number;

  @Col('proxy_open_count', 'integer')
  proxyOpenCount!: number;

  @Col('bot_open_count', 'integer')
  botOpenCount!: number;

  @Col('first_open_at', 'timestamptz', { nullable: true })
  firstOpenAt!: Date | null;

  @Col('last_open_at', 'timestamptz', { nullable: true })
  lastOpenAt!: Date | null;

  @Col('first_human_open_at', 'timestamptz', { nullable: true })
  firstHumanOpenAt!: Date | null;

  @Col('last_human_open_at', 'timestamptz', { nullable: true })
  lastHumanOpenAt!: Date | null;

  @EnumColumn('last_open_kind', OPEN_KINDS, { nullable: true })
  lastOpenKind!: OpenKind | null;

  @TextColumn('last_user_agent', { maxLength: 1_000, nullable: true })
  lastUserAgent!: string | null;

  @EnumColumn('last_ip_class', OPEN_IP_CLASSES, { nullable: true })
  lastIpClass!: OpenIpClass | null;

  @ManyToOne(() => Message, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'organisation_id', referencedColumnName: 'organisationId' },
    { name: 'message_id', referencedColumnName: 'id' },
  ])
  message?: Relation<Message>;
}
