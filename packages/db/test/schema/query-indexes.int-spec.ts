import type pg from 'pg';
import { useSchemaDatabase } from './schema-database.js';

const ORG = '11111111-1111-4111-8111-111111111111';

/** The queries the apps will run, and the index each one must be able to use. */
const QUERIES: { purpose: string; sql: string; params: unknown[]; index: string }[] = [
  {
    purpose: 'worker: claim due pending tasks across organisations',
    sql: `SELECT organisation_id, id FROM outreach.tasks
           WHERE status = 'pending' AND coalesce(next_attempt_at, due_at) <= now()
           ORDER BY coalesce(next_attempt_at, due_at) LIMIT 100 FOR UPDATE SKIP LOCKED`,
    params: [],
    index: 'outreach.tasks_due_idx',
  },
  {
    purpose: 'worker: reclaim running tasks whose lock expired',
    sql: `SELECT organisation_id, id FROM outreach.tasks WHERE status = 'running' AND locked_until < now()`,
    params: [],
    index: 'outreach.tasks_lock_expiry_idx',
  },
  {
    purpose: 'tracker: pixel by token',
    sql: `SELECT message_id FROM tracking.pixels
           WHERE organisation_id = tracking.token_organisation_id($1) AND token = $1`,
    params: ['EREREREREREREREREREREQ.aaaaaaaaaaaaaaaaaaaaaaaa'],
    index: 'tracking.pixels_token_key',
  },
  {
    purpose: 'api: companies page by name (keyset)',
    sql: `SELECT id FROM crm.companies WHERE organisation_id = $1 AND (name, id) > ($2, $3)
           ORDER BY name, id LIMIT 50`,
    params: [ORG, 'M', ORG],
    index: 'crm.companies_name_idx',
  },
  {
    purpose: 'api: people page by creation (keyset)',
    sql: `SELECT id FROM crm.people WHERE organisation_id = $1 AND (created_at, id) > ($2, $3)
           ORDER BY created_at, id LIMIT 50`,
    params: [ORG, '2026-01-01T00:00:00Z', ORG],
    index: 'crm.people_created_at_idx',
  },
  {
    purpose: 'worker: positions by e-mail (import merge, reply matching, suppression)',
    sql: `SELECT id FROM crm.positions WHERE organisation_id = $1 AND email_key = lower($2)`,
    params: [ORG, 'Someone@Example.fr'],
    index: 'crm.positions_email_key',
  },
  {
    purpose: 'worker: message answered by an inbound reply',
    sql: `SELECT id FROM outreach.messages WHERE organisation_id = $1 AND message_id = $2`,
    params: [ORG, '<a@b>'],
    index: 'outreach.messages_message_id_key',
  },
  {
    purpose: 'worker: replies to a message',
    sql: `SELECT id FROM outreach.messages WHERE organisation_id = $1 AND in_reply_to = $2`,
    params: [ORG, '<a@b>'],
    index: 'outreach.messages_in_reply_to_idx',
  },
  {
    purpose: 'worker: inbound answers to a message (replied, soft bounces, the figures)',
    sql: `SELECT id FROM outreach.messages WHERE organisation_id = $1 AND replied_to_message_id = $2`,
    params: [ORG, ORG],
    index: 'outreach.messages_replied_to_message_idx',
  },
  {
    purpose: 'api: an experiment’s messages per variant (the join of its figures)',
    sql: `SELECT v.id, count(m.id) FROM outreach.step_experiment_variants v
            LEFT JOIN outreach.messages m
              ON m.organisation_id = v.organisation_id AND m.step_experiment_id = v.experiment_id
             AND m.variant_id = v.id
           WHERE v.organisation_id = $1 AND v.experiment_id = $2 GROUP BY v.id`,
    params: [ORG, ORG],
    index: 'outreach.messages_variant_idx',
  },
  {
    purpose: 'worker: messages sent to an address (inbound matching, soft bounces)',
    sql: `SELECT id FROM outreach.messages
           WHERE organisation_id = $1 AND direction = 'outbound' AND to_email_key = lower($2)
           ORDER BY sent_at DESC LIMIT 5`,
    params: [ORG, 'Someone@Example.fr'],
    index: 'outreach.messages_to_email_idx',
  },
  {
    purpose: 'mailbox deletion: its messages (the foreign key)',
    sql: `SELECT id FROM outreach.messages WHERE organisation_id = $1 AND mailbox_id = $2`,
    params: [ORG, ORG],
    index: 'outreach.messages_mailbox_idx',
  },
  {
    purpose: 'api: enrollments of a campaign by status',
    sql: `SELECT id FROM outreach.campaign_enrollments
           WHERE organisation_id = $1 AND campaign_id = $2 AND status = 'active'`,
    params: [ORG, ORG],
    index: 'outreach.campaign_enrollments_campaign_status_idx',
  },
  {
    purpose: 'guard: membership of a user in an organisation',
    sql: `SELECT role FROM iam.organisation_users WHERE organisation_id = $1 AND user_id = $2`,
    params: [ORG, ORG],
    index: 'iam.organisation_users_pkey',
  },
];

/** Names of the indexes the plan searches with an index condition (not full-index scans). */
function indexNames(plan: unknown, found: string[] = []): string[] {
  if (Array.isArray(plan)) {
    for (const item of plan) indexNames(item, found);
  } else if (plan && typeof plan === 'object') {
    const node = plan as Record<string, unknown>;
    const name = node['Index Name'];
    if (typeof name === 'string' && 'Index Cond' in node) found.push(name);
    for (const value of Object.values(node)) indexNames(value, found);
  }
  return found;
}

/**
 * Drops (inside the caller's transaction) every other index of the target index's table, so the
 * plan shows whether the target index itself can serve the query.
 */
async function keepOnly(client: pg.Client, qualifiedIndex: string): Promise<void> {
  const { rows } = await client.query<{ table: string; index: string; constraint: string | null }>(
    `SELECT i.indrelid::regclass::text AS table, i.indexrelid::regclass::text AS index,
            (SELECT con.conname FROM pg_constraint con
              WHERE con.conindid = i.indexrelid AND con.conrelid = i.indrelid
                AND con.contype IN ('p', 'u', 'x')) AS constraint
       FROM pg_index i
      WHERE i.indrelid = (SELECT indrelid FROM pg_index WHERE indexrelid = $1::regclass)
        AND i.indexrelid <> $1::regclass`,
    [qualifiedIndex],
  );
  for (const row of rows) {
    await client.query(
      row.constraint
        ? `ALTER TABLE ${row.table} DROP CONSTRAINT ${row.constraint} CASCADE`
        : `DROP INDEX ${row.index}`,
    );
  }
}

describe('indexes serve the queries the apps run', () => {
  const db = useSchemaDatabase();
  let client: pg.Client;

  beforeAll(async () => {
    client = db.client;
    // Empty tables: make the planner show the index it can use rather than a sequential scan.
    await client.query('SET enable_seqscan = off');
  });

  /** Runs `work` in a transaction that is always rolled back. */
  async function rolledBack(work: () => Promise<void>): Promise<void> {
    await client.query('BEGIN');
    try {
      await work();
    } finally {
      await client.query('ROLLBACK');
    }
  }

  async function newOrganisation(name: string): Promise<string> {
    const { rows } = await client.query<{ id: string }>(
      'INSERT INTO iam.organisations (name) VALUES ($1) RETURNING id',
      [name],
    );
    return rows[0]?.id ?? '';
  }

  it.each(QUERIES)('$purpose: $index', ({ sql, params, index }) =>
    rolledBack(async () => {
      await keepOnly(client, index);
      const { rows } = await client.query<{ 'QUERY PLAN': unknown }>(
        `EXPLAIN (FORMAT JSON) ${sql}`,
        params,
      );
      expect(indexNames(rows[0]?.['QUERY PLAN'])).toContain(index.split('.')[1]);
    }),
  );

  // The send's update of its message (sending → sent, as delivery.record_sent_many writes it;
  // set_updated_at sets updated_at) must change no indexed column, so that PostgreSQL can make it
  // a HOT update — no entry in any of the table's indexes (V20251231_700000).
  it('updates a message from sending to sent without writing an index entry (HOT)', () =>
    rolledBack(async () => {
      const org = await newOrganisation('Chaude Mise à Jour');
      const { rows: messages } = await client.query<{ id: string }>(
        `INSERT INTO outreach.messages (organisation_id, direction, status, from_email, to_email,
                                        subject, body_text, message_id)
         VALUES ($1, 'outbound', 'sending', 'a@expediteur.fr', 'Someone@Example.fr', 'Bonjour',
                 'Bonjour', '<hot@expediteur.fr>') RETURNING id`,
        [org],
      );
      await client.query(
        `UPDATE outreach.messages SET status = 'sent', sent_at = now(), error = NULL
          WHERE organisation_id = $1 AND id = $2`,
        [org, messages[0]?.id],
      );
      const { rows } = await client.query<{ updated: string; hot: string }>(
        `SELECT pg_stat_get_xact_tuples_updated('outreach.messages'::regclass) AS updated,
                pg_stat_get_xact_tuples_hot_updated('outreach.messages'::regclass) AS hot`,
      );
      expect(rows[0]).toEqual({ updated: '1', hot: '1' });
    }));

  // A message that is no reply, answers nothing and has no A/B variant — a first step's, the
  // common case — adds no entry to the three indexes on those columns (V20251231_710000).
  it('keeps messages without a reply, an answer or a variant out of those columns’ indexes', () =>
    rolledBack(async () => {
      const org = await newOrganisation('Index Partiels');
      await client.query(
        `INSERT INTO outreach.messages (organisation_id, direction, status, from_email, to_email,
                                        message_id)
         SELECT $1, 'outbound', 'sending', 'a@expediteur.fr', 'p' || i || '@example.fr',
                '<partial-' || i || '@expediteur.fr>'
           FROM generate_series(1, 2000) AS i`,
        [org],
      );
      const { rows } = await client.query<{ index: string; pages: number }>(
        `SELECT c.relname AS index, (pg_relation_size(c.oid) / current_setting('block_size')::int)::int AS pages
           FROM pg_class c
          WHERE c.oid IN ('outreach.messages_in_reply_to_idx'::regclass,
                          'outreach.messages_replied_to_message_idx'::regclass,
                          'outreach.messages_variant_idx'::regclass,
                          'outreach.messages_created_at_idx'::regclass)
          ORDER BY 1`,
      );
      // Only the metapage; messages_created_at_idx, which takes every message, for comparison.
      expect(rows).toEqual([
        { index: 'messages_created_at_idx', pages: expect.any(Number) as number },
        { index: 'messages_in_reply_to_idx', pages: 1 },
        { index: 'messages_replied_to_message_idx', pages: 1 },
        { index: 'messages_variant_idx', pages: 1 },
      ]);
      expect(rows[0]?.pages).toBeGreaterThan(5);
    }));

  it('the check fails for a query the remaining index cannot serve', () =>
    rolledBack(async () => {
      await keepOnly(client, 'crm.companies_siren_idx');
      const { rows } = await client.query<{ 'QUERY PLAN': unknown }>(
        `EXPLAIN (FORMAT JSON) SELECT id FROM crm.companies WHERE name = 'Acme'`,
      );
      expect(indexNames(rows[0]?.['QUERY PLAN'])).toEqual([]);
    }));
});
