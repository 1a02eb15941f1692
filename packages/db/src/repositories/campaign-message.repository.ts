import type { EntityManager } from 'typeorm';
import { InvalidInputError } from '../errors/invalid-input.error.js';
import { isUuid, type OrganisationId } from '../organisation-id.js';
import { Message } from '../outreach/message.entity.js';
import {
  MESSAGE_DIRECTIONS,
  MESSAGE_STATUSES,
  type MessageDirection,
  type MessageStatus,
} from '../outreach/message-status.js';
import type { CursorCodec, SortDirection } from './cursor.codec.js';
import { hydrate, hydrateAs, runQuery } from './entity-rows.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type Page } from './organisation-scoped.repository.js';

/** A message in a list: everything but the bodies (see CampaignMessageRepository.find). */
export type MessageSummary = Omit<Message, 'bodyText' | 'bodyHtml'>;

export interface CampaignMessageListOptions {
  cursor?: string | null | undefined;
  limit?: number | undefined;
  direction?: SortDirection | undefined;
  filters?: { direction?: MessageDirection | undefined; status?: MessageStatus | undefined };
}

const SORT = 'createdAt';
const UTC_TEXT = `'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'`;
const SUMMARY_COLUMNS = [
  'organisation_id',
  'id',
  'direction',
  'status',
  'enrollment_id',
  'task_id',
  'position_id',
  'step_experiment_id',
  'variant_id',
  'mailbox_id',
  'from_email',
  'from_name',
  'to_email',
  'subject',
  'message_id',
  'in_reply_to',
  'sent_at',
  'received_at',
  'error',
  'inbound_class',
  'replied_to_message_id',
  'classification_reason',
  'returns_on',
  'created_at',
  'updated_at',
]
  .map((column) => `m.${column}`)
  .join(', ');

/**
 * The messages of one campaign: outbound and inbound messages whose enrollment belongs to the
 * campaign (messages carry the enrollment, not the campaign). Every method takes the
 * organisation first and filters on organisation_id; row-level security applies too.
 */
export class CampaignMessageRepository {
  readonly #manager: EntityManager;
  readonly #codec: CursorCodec;

  constructor(manager: EntityManager, codec: CursorCodec) {
    this.#manager = manager;
    this.#codec = codec;
  }

  /** One keyset page, by creation time then id, bodies left out. */
  async list(
    organisationId: OrganisationId,
    campaignId: string,
    options: CampaignMessageListOptions = {},
  ): Promise<Page<MessageSummary>> {
    const limit = options.limit ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
      throw invalid('limit', `limit must be an integer from 1 to ${MAX_PAGE_SIZE}`);
    }
    const direction = options.direction ?? 'asc';
    if (!(['asc', 'desc'] as readonly string[]).includes(direction)) {
      throw invalid('direction', 'direction must be asc or desc');
    }
    if (!isUuid(campaignId)) return { items: [], nextCursor: null };
    const params: unknown[] = [organisationId, campaignId];
    const where = ['m.organisation_id = $1', 'e.campaign_id = $2'];
    const { direction: messageDirection, status } = options.filters ?? {};
    if (messageDirection !== undefined) {
      if (!(MESSAGE_DIRECTIONS as readonly string[]).includes(messageDirection)) {
        throw invalid('direction', `direction must be one of ${MESSAGE_DIRECTIONS.join(', ')}`);
      }
      params.push(messageDirection);
      where.push(`m.direction = $${params.length}`);
    }
    if (status !== undefined) {
      if (!(MESSAGE_STATUSES as readonly string[]).includes(status)) {
        throw invalid('status', `status must be one of ${MESSAGE_STATUSES.join(', ')}`);
      }
      params.push(status);
      where.push(`m.status = $${params.length}`);
    }
    if (options.cursor) {
      const position = this.#codec.decode(organisationId, options.cursor, {
        sort: SORT,
        direction,
        arity: 2,
      });
      params.push(position.values[0], position.values[1]);
      where.push(
        `(m.created_at, m.id) ${direction === 'asc' ? '>' : '<'} ($${params.length - 1}::timestamptz, $${params.length}::uuid)`,
      );
    }
    params.push(limit + 1);
    const order = direction === 'asc' ? 'ASC' : 'DESC';
    const rows = await runQuery<Record<string, unknown>[]>(
      this.#manager,
      `SELECT ${SUMMARY_COLUMNS},
              to_char(m.created_at AT TIME ZONE 'UTC', ${UTC_TEXT}) AS "__k0", m.id::text AS "__k1"
         FROM outreach.messages m
         JOIN outreach.campaign_enrollments e
           ON e.organisation_id = m.organisation_id AND e.id = m.enrollment_id
        WHERE ${where.join(' AND ')}
        ORDER BY m.created_at ${order}, m.id ${order}
        LIMIT $${params.length}`,
      params,
    );
    const hasMore = rows.length > limit;
    const pageRows = hasMore ? rows.slice(0, limit) : rows;
    const last = pageRows.at(-1);
    return {
      items: pageRows.map((row) => this.#summary(row)),
      nextCursor:
        hasMore && last
          ? this.#codec.encode(organisationId, {
              sort: SORT,
              direction,
              values: [last.__k0 as string, last.__k1 as string],
            })
          : null,
    };
  }

  /** The message with its bodies, when its enrollment belongs to this campaign; else null. */
  async find(
    organisationId: OrganisationId,
    campaignId: string,
    messageId: string,
  ): Promise<Message | null> {
    if (!isUuid(campaignId) || !isUuid(messageId)) return null;
    const rows = await runQuery<Record<string, unknown>[]>(
      this.#manager,
      `SELECT m.* FROM outreach.messages m
         JOIN outreach.campaign_enrollments e
           ON e.organisation_id = m.organisation_id AND e.id = m.enrollment_id
        WHERE m.organisation_id = $1 AND e.campaign_id = $2 AND m.id = $3`,
      [organisationId, campaignId, messageId],
    );
    if (!rows[0]) return null;
    return hydrateAs(this.#manager, Message, rows[0]);
  }

  #summary(row: Record<string, unknown>): MessageSummary {
    const metadata = this.#manager.dataSource.getMetadata(Message);
    const message = hydrate(this.#manager, metadata, row) as Partial<Message>;
    delete message.bodyText;
    delete message.bodyHtml;
    return message as MessageSummary;
  }
}

function invalid(field: string, message: string): InvalidInputError {
  return new InvalidInputError('invalid_value', 'messages', field, message);
}
