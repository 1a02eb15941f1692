import type pg from 'pg';
import { FOREIGN_KEY_VIOLATION, UNIQUE_VIOLATION, expectPgError } from './pg-assertions.js';
import {
  insertCampaign,
  insertEnrollment,
  insertOrganisation,
  insertProspect,
  insertStep,
  insertTask,
} from './schema-fixtures.js';
import { useSchemaDatabase } from './schema-database.js';

/** Names of the indexes the plan searches with an index condition, and those conditions. */
function indexScans(plan: unknown, found: { index: string; cond: string }[] = []) {
  if (Array.isArray(plan)) {
    for (const item of plan) indexScans(item, found);
  } else if (plan && typeof plan === 'object') {
    const node = plan as Record<string, unknown>;
    const index = node['Index Name'];
    const cond = node['Index Cond'];
    if (typeof index === 'string' && typeof cond === 'string') found.push({ index, cond });
    for (const value of Object.values(node)) indexScans(value, found);
  }
  return found;
}

/**
 * V20251229_400000 reshaped the indexes of outreach.campaign_enrollments (enrolling 100,000
 * positions in one call). These tests hold the keys to what they must still guarantee, and the
 * foreign-key check of a new task to a plan that finds its enrollment by a unique index even
 * without statistics (a new database), instead of reading the campaign's enrollments.
 */
describe('campaign enrollment keys', () => {
  const db = useSchemaDatabase();
  let client: pg.Client;

  beforeAll(() => {
    client = db.client;
  });

  it("keeps a task's enrollment in the task's campaign and organisation", async () => {
    const org = await insertOrganisation(client, 'Clés inscription');
    const other = await insertOrganisation(client, 'Autre organisation');
    const { positionId } = await insertProspect(client, org);
    const campaign1 = await insertCampaign(client, org);
    const campaign2 = await insertCampaign(client, org);
    const step1 = await insertStep(client, org, campaign1);
    const step2 = await insertStep(client, org, campaign2);
    const enrollment1 = await insertEnrollment(client, org, campaign1, positionId);
    await insertTask(client, org, {
      campaignId: campaign1,
      enrollmentId: enrollment1,
      stepId: step1,
    });
    // The enrollment of campaign 1 under campaign 2 (with a step of campaign 2): refused.
    await expectPgError(
      insertTask(client, org, { campaignId: campaign2, enrollmentId: enrollment1, stepId: step2 }),
      { code: FOREIGN_KEY_VIOLATION, constraint: 'tasks_enrollment_fkey' },
    );
    // The same ids under another organisation: refused.
    const otherCampaign = await insertCampaign(client, other);
    const otherStep = await insertStep(client, other, otherCampaign);
    await expectPgError(
      insertTask(client, other, {
        campaignId: otherCampaign,
        enrollmentId: enrollment1,
        stepId: otherStep,
      }),
      { code: FOREIGN_KEY_VIOLATION, constraint: 'tasks_enrollment_fkey' },
    );
  });

  it('enrolls a position once per campaign, in as many campaigns as wanted', async () => {
    const org = await insertOrganisation(client, 'Unicité inscription');
    const { positionId } = await insertProspect(client, org);
    const campaign1 = await insertCampaign(client, org);
    const campaign2 = await insertCampaign(client, org);
    await insertEnrollment(client, org, campaign1, positionId);
    await insertEnrollment(client, org, campaign2, positionId);
    await expectPgError(insertEnrollment(client, org, campaign1, positionId), {
      code: UNIQUE_VIOLATION,
      constraint: 'campaign_enrollments_campaign_position_key',
    });
  });

  it('finds the enrollments of a position by index (the position delete cascades through it)', async () => {
    await client.query('BEGIN');
    try {
      await client.query('SET LOCAL enable_seqscan = off');
      const { rows } = await client.query<{ 'QUERY PLAN': unknown }>(
        `EXPLAIN (FORMAT JSON) SELECT id FROM outreach.campaign_enrollments
          WHERE organisation_id = $1 AND position_id = $2`,
        ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222'],
      );
      expect(indexScans(rows[0]?.['QUERY PLAN']).map((scan) => scan.index)).toEqual([
        'campaign_enrollments_campaign_position_key',
      ]);
    } finally {
      await client.query('ROLLBACK');
    }
  });

  /**
   * The plan of a new task's enrollment-key check after a large enrollment of one campaign in one
   * transaction, the table analysed before it with `analysedRows` enrollments (0: a new
   * database, no column statistics). Only the table's size and statistics matter to the plan:
   * the rows are written without their own foreign-key checks (replica role; rolled back).
   */
  async function enrollmentCheckScans(analysedRows: number) {
    const org = await insertOrganisation(client, `Base ${String(analysedRows)}`);
    const campaign = await insertCampaign(client, org);
    const step = await insertStep(client, org, campaign);
    await client.query('BEGIN');
    try {
      await client.query('DELETE FROM outreach.campaign_enrollments');
      await client.query(
        `DELETE FROM pg_statistic WHERE starelid = 'outreach.campaign_enrollments'::regclass`,
      );
      await client.query('SET LOCAL session_replication_role = replica');
      const enroll = (count: number) =>
        client.query(
          `INSERT INTO outreach.campaign_enrollments
                  (organisation_id, campaign_id, position_id, current_step_id)
           SELECT $1, $2, gen_random_uuid(), $3 FROM generate_series(1, $4::int)`,
          [org, campaign, step, count],
        );
      if (analysedRows > 0) await enroll(analysedRows);
      await client.query('ANALYZE outreach.campaign_enrollments');
      await enroll(5000);
      await client.query('SET LOCAL session_replication_role = origin');
      // The foreign-key check's own query (ri_triggers.c), with a generic plan as PostgreSQL
      // keeps it for the connection.
      await client.query('SET LOCAL plan_cache_mode = force_generic_plan');
      await client.query(
        `PREPARE enrollment_check(uuid, uuid, uuid) AS
         SELECT 1 FROM ONLY outreach.campaign_enrollments x
          WHERE organisation_id = $1 AND campaign_id = $2 AND id = $3 FOR KEY SHARE OF x`,
      );
      const { rows } = await client.query<{ 'QUERY PLAN': unknown }>(
        `EXPLAIN (FORMAT JSON) EXECUTE enrollment_check(${client.escapeLiteral(org)}, ` +
          `${client.escapeLiteral(campaign)}, gen_random_uuid())`,
      );
      return indexScans(rows[0]?.['QUERY PLAN']);
    } finally {
      await client.query('ROLLBACK');
      await client.query('DEALLOCATE ALL'); // a prepared statement outlives its transaction
    }
  }

  it("checks a new task's enrollment by a unique index when the table was analysed empty", async () => {
    const scans = await enrollmentCheckScans(0);
    expect(scans).toHaveLength(1);
    expect(['campaign_enrollments_pkey', 'campaign_enrollments_campaign_id_key']).toContain(
      scans[0]?.index,
    );
    expect(scans[0]?.cond).toContain('id = $3');
  });

  it('keeps the NULL message references of enrollments out of their indexes (partial, IS NOT NULL)', async () => {
    // With statistics taken from a single row, the planner costed the full (all-NULL) indexes
    // like the unique key for the check above; partial ones cannot serve it at all.
    const { rows } = await client.query<{ indexname: string; indexdef: string }>(
      `SELECT indexname, indexdef FROM pg_indexes
        WHERE schemaname = 'outreach' AND indexname IN
              ('campaign_enrollments_exit_message_idx', 'campaign_enrollments_pause_message_idx')
        ORDER BY indexname`,
    );
    expect(
      rows.map((row) => [row.indexname, /WHERE \((\w+) IS NOT NULL\)$/.exec(row.indexdef)?.[1]]),
    ).toEqual([
      ['campaign_enrollments_exit_message_idx', 'exit_message_id'],
      ['campaign_enrollments_pause_message_idx', 'pause_message_id'],
    ]);
  });
});
