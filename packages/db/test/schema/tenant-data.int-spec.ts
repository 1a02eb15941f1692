import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { DATA_SCHEMAS } from './migration-files.js';
import { FOREIGN_KEY_VIOLATION, UNIQUE_VIOLATION, expectPgError } from './pg-assertions.js';
import {
  insertCampaign,
  insertCompany,
  insertEnrollment,
  insertOrganisation,
  insertPerson,
  insertProspect,
  insertReturningId,
  insertStep,
  insertTask,
} from './schema-fixtures.js';
import { useSchemaDatabase } from './schema-database.js';

describe('tenant data: inserts, the full chain, isolation', () => {
  const db = useSchemaDatabase();
  let client: pg.Client;

  beforeAll(() => {
    client = db.client;
  });

  it('accepts the two minimal inserts of SPEC.md', async () => {
    const organisationId = randomUUID();
    const companyId = randomUUID();
    await client.query(`INSERT INTO iam.organisations (id, name) VALUES ($1, 'Minimal')`, [
      organisationId,
    ]);
    await client.query(
      `INSERT INTO crm.companies (organisation_id, id, name, website_url)
       VALUES ($1, $2, 'Minimal company', 'https://minimal.example')`,
      [organisationId, companyId],
    );
    const { rows } = await client.query<{ slug: string; country: string }>(
      `SELECT o.slug, c.country FROM iam.organisations o
         JOIN crm.companies c ON c.organisation_id = o.id WHERE c.id = $1`,
      [companyId],
    );
    expect(rows).toEqual([{ slug: 'minimal', country: 'FR' }]);
  });

  it('stores a whole campaign chain, org to open statistics, and cascades it away with the organisation', async () => {
    const org = await insertOrganisation(client, 'Chaîne complète');
    const userId = await insertReturningId(
      client,
      `INSERT INTO iam.users (email, first_name) VALUES ('owner@chaine.example', 'Anne') RETURNING id`,
      [],
    );
    await client.query(
      `INSERT INTO iam.organisation_users (organisation_id, user_id, role, status) VALUES ($1, $2, 'owner', 'active')`,
      [org, userId],
    );
    const { positionId } = await insertProspect(client, org);
    const promptId = await insertReturningId(
      client,
      `INSERT INTO outreach.prompts (organisation_id, name, purpose, content)
       VALUES ($1, 'intro', 'email', 'Écris un premier e-mail court.') RETURNING id`,
      [org],
    );
    const campaignId = await insertCampaign(client, org);
    const stepId = await insertStep(client, org, campaignId);
    const experimentId = await insertReturningId(
      client,
      `INSERT INTO outreach.step_experiments (organisation_id, step_id, name, status)
       VALUES ($1, $2, 'Objet court ou long', 'running') RETURNING id`,
      [org, stepId],
    );
    const variantA = await insertReturningId(
      client,
      `INSERT INTO outreach.step_experiment_variants (organisation_id, experiment_id, key, weight, subject_template)
       VALUES ($1, $2, 'A', 1, 'Court') RETURNING id`,
      [org, experimentId],
    );
    await client.query(
      `INSERT INTO outreach.step_experiment_variants (organisation_id, experiment_id, key, weight, prompt_id)
       VALUES ($1, $2, 'B', 3, $3)`,
      [org, experimentId, promptId],
    );
    const enrollmentId = await insertReturningId(
      client,
      `INSERT INTO outreach.campaign_enrollments (organisation_id, campaign_id, position_id, current_step_id)
       VALUES ($1, $2, $3, $4) RETURNING id`,
      [org, campaignId, positionId, stepId],
    );
    await client.query(
      `INSERT INTO outreach.enrollment_step_variant_assignments (organisation_id, enrollment_id, experiment_id, variant_id)
       VALUES ($1, $2, $3, $4)`,
      [org, enrollmentId, experimentId, variantA],
    );
    const taskId = await insertTask(client, org, { campaignId, enrollmentId, stepId });
    const messageId = await insertReturningId(
      client,
      `INSERT INTO outreach.messages (organisation_id, direction, status, enrollment_id, task_id, position_id,
                                      step_experiment_id, variant_id, from_email, to_email, subject,
                                      body_text, message_id, sent_at)
       VALUES ($1, 'outbound', 'sent', $2, $3, $4, $5, $6, 'anne@chaine.example',
               'elodie.martin@dupont.example.fr', 'Court', 'Bonjour', '<abc.123@chaine.example>', now())
       RETURNING id`,
      [org, enrollmentId, taskId, positionId, experimentId, variantA],
    );
    const { rows: pixel } = await client.query<{ token: string; decoded: string }>(
      `INSERT INTO tracking.pixels (organisation_id, message_id) VALUES ($1, $2)
       RETURNING token, tracking.token_organisation_id(token) AS decoded`,
      [org, messageId],
    );
    expect(pixel[0]?.decoded).toBe(org);
    expect(pixel[0]?.token).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{24}$/);
    await client.query(
      `INSERT INTO tracking.message_open_stats (organisation_id, message_id, open_count, proxy_open_count,
                                               first_open_at, last_open_at, last_open_kind, last_ip_class)
       VALUES ($1, $2, 1, 1, now(), now(), 'proxy', 'apple_mpp')`,
      [org, messageId],
    );
    await client.query(
      `UPDATE outreach.step_experiments SET status = 'completed', winner_variant_id = $3
        WHERE organisation_id = $1 AND id = $2`,
      [org, experimentId, variantA],
    );
    // An inbound reply threads onto the sent message.
    await client.query(
      `INSERT INTO outreach.messages (organisation_id, direction, status, position_id, from_email, to_email,
                                      message_id, in_reply_to, received_at)
       VALUES ($1, 'inbound', 'received', $2, 'elodie.martin@dupont.example.fr', 'anne@chaine.example',
               '<re.1@dupont.example.fr>', '<abc.123@chaine.example>', now())`,
      [org, positionId],
    );

    // Every row of the organisation, in every table that has organisation_id: the tables whose
    // organisation key is NOT ENFORCED (V20251230_100000: campaign_enrollments, tasks) go
    // through their composite keys' cascades.
    const { rows: tenantTables } = await client.query<{ name: string }>(
      `SELECT format('%I.%I', table_schema, table_name) AS name FROM information_schema.columns
        WHERE column_name = 'organisation_id' AND table_schema = ANY($1) ORDER BY 1`,
      [DATA_SCHEMAS],
    );
    expect(tenantTables.length).toBeGreaterThanOrEqual(20);
    const count = async (): Promise<Record<string, number>> => {
      const { rows } = await client.query<{ name: string; n: number }>(
        tenantTables
          .map(
            ({ name }) =>
              `SELECT '${name}' AS name, count(*)::int AS n FROM ${name} WHERE organisation_id = $1`,
          )
          .join(' UNION ALL '),
        [org],
      );
      return Object.fromEntries(rows.filter((row) => row.n > 0).map((row) => [row.name, row.n]));
    };
    expect(await count()).toEqual(
      expect.objectContaining({
        'crm.positions': 1,
        'iam.organisation_users': 1,
        'outreach.campaign_enrollments': 1,
        'outreach.messages': 2,
        'outreach.tasks': 1,
        'tracking.pixels': 1,
      }),
    );
    await client.query('DELETE FROM iam.organisations WHERE id = $1', [org]);
    expect(await count()).toEqual({});
    // The user is global: only the membership went.
    const { rowCount } = await client.query('SELECT 1 FROM iam.users WHERE id = $1', [userId]);
    expect(rowCount).toBe(1);
  });

  it('rejects a position in organisation A that points at organisation B’s person or company', async () => {
    const orgA = await insertOrganisation(client, 'Org A');
    const orgB = await insertOrganisation(client, 'Org B');
    const personA = await insertPerson(client, orgA);
    const companyA = await insertCompany(client, orgA);
    const personB = await insertPerson(client, orgB);
    const companyB = await insertCompany(client, orgB);
    await expectPgError(
      client.query(
        'INSERT INTO crm.positions (organisation_id, person_id, company_id) VALUES ($1, $2, $3)',
        [orgA, personB, companyA],
      ),
      { code: FOREIGN_KEY_VIOLATION, constraint: 'positions_person_fkey' },
    );
    await expectPgError(
      client.query(
        'INSERT INTO crm.positions (organisation_id, person_id, company_id) VALUES ($1, $2, $3)',
        [orgA, personA, companyB],
      ),
      { code: FOREIGN_KEY_VIOLATION, constraint: 'positions_company_fkey' },
    );
    // Moving an existing row into the other organisation is refused too.
    const positionId = await insertReturningId(
      client,
      'INSERT INTO crm.positions (organisation_id, person_id, company_id) VALUES ($1, $2, $3) RETURNING id',
      [orgA, personA, companyA],
    );
    await expectPgError(
      client.query('UPDATE crm.positions SET organisation_id = $2 WHERE id = $1', [
        positionId,
        orgB,
      ]),
      { code: FOREIGN_KEY_VIOLATION },
    );
  });

  it('rejects cross-campaign and cross-experiment references inside one organisation', async () => {
    const org = await insertOrganisation(client, 'Références croisées');
    const { positionId } = await insertProspect(client, org);
    const campaign1 = await insertCampaign(client, org);
    const campaign2 = await insertCampaign(client, org);
    const stepOf2 = await insertStep(client, org, campaign2);
    // The current step must belong to the enrollment's campaign.
    await expectPgError(
      client.query(
        `INSERT INTO outreach.campaign_enrollments (organisation_id, campaign_id, position_id, current_step_id)
         VALUES ($1, $2, $3, $4)`,
        [org, campaign1, positionId, stepOf2],
      ),
      { code: FOREIGN_KEY_VIOLATION, constraint: 'campaign_enrollments_current_step_fkey' },
    );
    const enrollment1 = await insertEnrollment(client, org, campaign1, positionId);
    // A task's step must belong to its enrollment's campaign.
    await expectPgError(
      insertTask(client, org, {
        campaignId: campaign1,
        enrollmentId: enrollment1,
        stepId: stepOf2,
      }),
      { code: FOREIGN_KEY_VIOLATION, constraint: 'tasks_step_fkey' },
    );
    // The winner must be a variant of the same experiment.
    const exp1 = await insertReturningId(
      client,
      `INSERT INTO outreach.step_experiments (organisation_id, step_id, name, status) VALUES ($1, $2, 'e1', 'completed') RETURNING id`,
      [org, stepOf2],
    );
    const exp2 = await insertReturningId(
      client,
      `INSERT INTO outreach.step_experiments (organisation_id, step_id, name) VALUES ($1, $2, 'e2') RETURNING id`,
      [org, stepOf2],
    );
    const variantOf2 = await insertReturningId(
      client,
      `INSERT INTO outreach.step_experiment_variants (organisation_id, experiment_id, key) VALUES ($1, $2, 'A') RETURNING id`,
      [org, exp2],
    );
    await expectPgError(
      client.query(
        'UPDATE outreach.step_experiments SET winner_variant_id = $3 WHERE organisation_id = $1 AND id = $2',
        [org, exp1, variantOf2],
      ),
      { code: FOREIGN_KEY_VIOLATION, constraint: 'step_experiments_winner_variant_fkey' },
    );
  });

  it('isolates by query: organisation-filtered reads never return the other organisation’s rows', async () => {
    const orgA = await insertOrganisation(client, 'Lecture A');
    const orgB = await insertOrganisation(client, 'Lecture B');
    await insertCompany(client, orgA, 'Même nom');
    await insertCompany(client, orgB, 'Même nom');
    const { rows } = await client.query<{ organisation_id: string }>(
      `SELECT organisation_id FROM crm.companies WHERE organisation_id = $1 AND name = 'Même nom'`,
      [orgA],
    );
    expect(rows).toEqual([{ organisation_id: orgA }]);
  });

  it('schedules a step once per enrollment and sends at most one message per task', async () => {
    const org = await insertOrganisation(client, 'Idempotence');
    const { positionId } = await insertProspect(client, org);
    const campaignId = await insertCampaign(client, org);
    const stepId = await insertStep(client, org, campaignId);
    const enrollmentId = await insertEnrollment(client, org, campaignId, positionId);
    const taskId = await insertTask(client, org, { campaignId, enrollmentId, stepId });
    await expectPgError(insertTask(client, org, { campaignId, enrollmentId, stepId }), {
      code: UNIQUE_VIOLATION,
      constraint: 'tasks_enrollment_step_key',
    });
    const send = (): Promise<pg.QueryResult> =>
      client.query(
        `INSERT INTO outreach.messages (organisation_id, direction, status, task_id, from_email, to_email)
         VALUES ($1, 'outbound', 'queued', $2, 'a@b.example', 'c@d.example')
         ON CONFLICT (organisation_id, task_id) DO NOTHING`,
        [org, taskId],
      );
    expect((await send()).rowCount).toBe(1);
    expect((await send()).rowCount).toBe(0);
    const { rows } = await client.query<{ n: string }>(
      'SELECT count(*) AS n FROM outreach.messages WHERE organisation_id = $1 AND task_id = $2',
      [org, taskId],
    );
    expect(rows[0]?.n).toBe('1');
  });
});
