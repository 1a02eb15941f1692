import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { CHECK_VIOLATION, UNIQUE_VIOLATION, connect, expectPgError } from './pg-assertions.js';
import {
  insertCampaign,
  insertCompany,
  insertEnrollment,
  insertOrganisation,
  insertPerson,
  insertProspect,
  insertReturningId,
  insertStep,
} from './schema-fixtures.js';
import { useSchemaDatabase } from './schema-database.js';

/** Luhn-valid SIRENs (Total: 542051180, La Poste: 356000000). */
const VALID_SIRENS = ['542051180', '356000000', '732829320'];

describe('constraints: CHECKs, uniqueness, triggers', () => {
  const db = useSchemaDatabase();
  let client: pg.Client;
  let org: string;

  beforeAll(async () => {
    client = db.client;
    org = await insertOrganisation(client, 'Contraintes');
  });

  const insertCompanyWith = (set: string, value: unknown): Promise<pg.QueryResult> =>
    client.query(`INSERT INTO crm.companies (organisation_id, name, ${set}) VALUES ($1, 'X', $2)`, [
      org,
      value,
    ]);

  describe('crm.companies', () => {
    it('accepts Luhn-valid SIRENs and rejects the rest', async () => {
      for (const siren of VALID_SIRENS) await insertCompanyWith('siren', siren);
      for (const bad of ['542051181', '12345678', '1234567890', '54205118A', ' 42051180']) {
        await expectPgError(insertCompanyWith('siren', bad), {
          code: CHECK_VIOLATION,
          constraint: 'companies_siren_check',
        });
      }
    });

    it('checks the NAF code, employee range, country, French postal code and lengths', async () => {
      await insertCompanyWith('naf_code', '62.01Z');
      await insertCompanyWith('employee_range', '10-19');
      const cases: [string, unknown, string][] = [
        ['naf_code', '6201Z', 'companies_naf_code_check'],
        ['naf_code', '62.01z', 'companies_naf_code_check'],
        ['employee_range', '11-50', 'companies_employee_range_check'],
        ['country', 'fr', 'companies_country_check'],
        ['country', 'FRA', 'companies_country_check'],
        ['postal_code', '7500', 'companies_postal_code_check'],
        ['website_url', 'https://exa mple.fr', 'companies_website_url_check'],
        ['domain', 'https://example.fr', 'companies_domain_check'],
        ['pharow_company_id', '', 'companies_pharow_company_id_check'],
        ['address_line1', 'x'.repeat(201), 'companies_address_line1_check'],
      ];
      for (const [column, value, constraint] of cases) {
        await expectPgError(insertCompanyWith(column, value), {
          code: CHECK_VIOLATION,
          constraint,
        });
      }
      await expectPgError(
        client.query('INSERT INTO crm.companies (organisation_id, name) VALUES ($1, $2)', [
          org,
          'n'.repeat(301),
        ]),
        { code: CHECK_VIOLATION, constraint: 'companies_name_check' },
      );
      await expectPgError(
        client.query(`INSERT INTO crm.companies (organisation_id, name) VALUES ($1, '   ')`, [org]),
        { code: CHECK_VIOLATION, constraint: 'companies_name_check' },
      );
      // Postal codes outside France follow their own formats.
      await client.query(
        `INSERT INTO crm.companies (organisation_id, name, country, postal_code) VALUES ($1, 'UK Ltd', 'GB', 'SW1A 1AA')`,
        [org],
      );
    });

    it('keeps pharow_company_id unique per organisation only', async () => {
      const other = await insertOrganisation(client, 'Autre organisation');
      const insert = (organisationId: string): Promise<pg.QueryResult> =>
        client.query(
          `INSERT INTO crm.companies (organisation_id, name, pharow_company_id) VALUES ($1, 'P', 'ph-42')`,
          [organisationId],
        );
      await insert(org);
      await insert(other);
      await expectPgError(insert(org), {
        code: UNIQUE_VIOLATION,
        constraint: 'companies_pharow_company_id_key',
      });
    });
  });

  describe('crm.positions and iam', () => {
    it('checks email_status, status, reliability and e-mail format', async () => {
      const { personId, companyId } = await insertProspect(client, org);
      const other = await insertCompany(client, org, 'Autre société');
      const insert = (column: string, value: unknown): Promise<pg.QueryResult> =>
        client.query(
          `INSERT INTO crm.positions (organisation_id, person_id, company_id, ${column}) VALUES ($1, $2, $3, $4)`,
          [org, personId, other, value],
        );
      const cases: [string, unknown, string][] = [
        ['email_status', 'maybe', 'positions_email_status_check'],
        ['status', 'retired', 'positions_status_check'],
        ['email_reliability', 101, 'positions_email_reliability_check'],
        ['email', 'not-an-email', 'positions_email_check'],
        ['email', 'a b@example.fr', 'positions_email_check'],
      ];
      for (const [column, value, constraint] of cases) {
        await expectPgError(insert(column, value), { code: CHECK_VIOLATION, constraint });
      }
      // One position per person and company.
      await expectPgError(
        client.query(
          'INSERT INTO crm.positions (organisation_id, person_id, company_id) VALUES ($1, $2, $3)',
          [org, personId, companyId],
        ),
        { code: UNIQUE_VIOLATION, constraint: 'positions_person_company_key' },
      );
      // One position per e-mail address in an organisation, whatever the case; free across them.
      const person2 = await insertPerson(client, org);
      await expectPgError(
        client.query(
          'INSERT INTO crm.positions (organisation_id, person_id, company_id, email) VALUES ($1, $2, $3, $4)',
          [org, person2, other, 'ELODIE.martin@dupont.example.fr'],
        ),
        { code: UNIQUE_VIOLATION, constraint: 'positions_email_key' },
      );
      const elsewhere = await insertOrganisation(client, 'Ailleurs');
      await insertProspect(client, elsewhere);
      // E-mail lookups ignore case (citext).
      const { rows } = await client.query<{ email: string }>(
        `SELECT email FROM crm.positions WHERE organisation_id = $1 AND email = 'ELODIE.MARTIN@dupont.EXAMPLE.fr'`,
        [org],
      );
      expect(rows).toEqual([{ email: 'Elodie.Martin@Dupont.example.fr' }]);
    });

    it('rejects an unknown membership role or status', async () => {
      const userId = await insertReturningId(
        client,
        `INSERT INTO iam.users (email) VALUES ('role@example.fr') RETURNING id`,
        [],
      );
      await expectPgError(
        client.query(
          `INSERT INTO iam.organisation_users (organisation_id, user_id, role) VALUES ($1, $2, 'superuser')`,
          [org, userId],
        ),
        { code: CHECK_VIOLATION, constraint: 'organisation_users_role_check' },
      );
      await expectPgError(
        client.query(
          `INSERT INTO iam.organisation_users (organisation_id, user_id, status) VALUES ($1, $2, 'deleted')`,
          [org, userId],
        ),
        { code: CHECK_VIOLATION, constraint: 'organisation_users_status_check' },
      );
    });

    it('keeps user e-mails unique case-insensitively', async () => {
      await client.query(`INSERT INTO iam.users (email) VALUES ('Jeanne.Dupont@Example.fr')`);
      await expectPgError(
        client.query(`INSERT INTO iam.users (email) VALUES ('jeanne.dupont@EXAMPLE.FR')`),
        {
          code: UNIQUE_VIOLATION,
          constraint: 'users_email_key',
        },
      );
    });
  });

  describe('outreach', () => {
    it('checks campaign status, window, limits, days, time zone and holiday code', async () => {
      const insert = (columns: string, values: string): Promise<pg.QueryResult> =>
        client.query(
          `INSERT INTO outreach.campaigns (organisation_id, name, ${columns}) VALUES ($1, 'C', ${values})`,
          [org],
        );
      await insert('timezone, sending_days', `'America/Argentina/Buenos_Aires', '{1,3,5}'`);
      await insert('public_holidays', `'FR-57'`);
      const cases: [string, string, string][] = [
        ['status', `'running'`, 'campaigns_status_check'],
        ['daily_limit', '0', 'campaigns_daily_limit_check'],
        [
          'sending_window_start, sending_window_end',
          `'18:00', '09:00'`,
          'campaigns_sending_window_check',
        ],
        [
          'sending_window_start, sending_window_end',
          `'09:00', '09:00'`,
          'campaigns_sending_window_check',
        ],
        ['timezone', `'Mars/Olympus_Mons'`, 'campaigns_timezone_check'],
        ['timezone', `'CET'`, 'campaigns_timezone_check'],
        ['sending_days', `'{0,1}'`, 'campaigns_sending_days_check'],
        ['sending_days', `'{}'`, 'campaigns_sending_days_check'],
        ['started_at, completed_at', `'2026-01-02', '2026-01-01'`, 'campaigns_completed_at_check'],
        ['public_holidays', `'fr'`, 'campaigns_public_holidays_check'],
        ['public_holidays', `'FR-5757'`, 'campaigns_public_holidays_check'],
        ['public_holidays', `''`, 'campaigns_public_holidays_check'],
      ];
      for (const [columns, values, constraint] of cases) {
        await expectPgError(insert(columns, values), { code: CHECK_VIOLATION, constraint });
      }
    });

    it('checks steps, prompts, experiments, variants and tasks', async () => {
      const campaignId = await insertCampaign(client, org);
      const stepId = await insertStep(client, org, campaignId);
      await expectPgError(
        client.query(
          'INSERT INTO outreach.workflow_steps (organisation_id, campaign_id, step_order, delay_days) VALUES ($1, $2, 2, -1)',
          [org, campaignId],
        ),
        { code: CHECK_VIOLATION, constraint: 'workflow_steps_delay_days_check' },
      );
      await expectPgError(
        client.query(
          `INSERT INTO outreach.prompts (organisation_id, name, purpose, content) VALUES ($1, 'p', 'poetry', 'x')`,
          [org],
        ),
        { code: CHECK_VIOLATION, constraint: 'prompts_purpose_check' },
      );
      await client.query(
        `INSERT INTO outreach.prompts (organisation_id, name, version, purpose, content) VALUES ($1, 'p', 1, 'email', 'x')`,
        [org],
      );
      await expectPgError(
        client.query(
          `INSERT INTO outreach.prompts (organisation_id, name, version, purpose, content) VALUES ($1, 'p', 1, 'email', 'y')`,
          [org],
        ),
        { code: UNIQUE_VIOLATION, constraint: 'prompts_name_version_key' },
      );
      const experimentId = await insertReturningId(
        client,
        `INSERT INTO outreach.step_experiments (organisation_id, step_id, name) VALUES ($1, $2, 'e') RETURNING id`,
        [org, stepId],
      );
      await expectPgError(
        client.query(
          `INSERT INTO outreach.step_experiments (organisation_id, step_id, name) VALUES ($1, $2, 'e2')`,
          [org, stepId],
        ),
        { code: UNIQUE_VIOLATION, constraint: 'step_experiments_active_step_key' },
      );
      await expectPgError(
        client.query(`UPDATE outreach.step_experiments SET status = 'paused' WHERE id = $1`, [
          experimentId,
        ]),
        { code: CHECK_VIOLATION, constraint: 'step_experiments_status_check' },
      );
      await expectPgError(
        client.query(
          `INSERT INTO outreach.step_experiment_variants (organisation_id, experiment_id, key, weight) VALUES ($1, $2, 'A', 0)`,
          [org, experimentId],
        ),
        { code: CHECK_VIOLATION, constraint: 'step_experiment_variants_weight_check' },
      );
      await client.query(
        `INSERT INTO outreach.step_experiment_variants (organisation_id, experiment_id, key) VALUES ($1, $2, 'A')`,
        [org, experimentId],
      );
      await expectPgError(
        client.query(
          `INSERT INTO outreach.step_experiment_variants (organisation_id, experiment_id, key) VALUES ($1, $2, 'A')`,
          [org, experimentId],
        ),
        { code: UNIQUE_VIOLATION, constraint: 'step_experiment_variants_experiment_key_key' },
      );

      const { positionId } = await insertProspect(client, org, 'steps@dupont.example.fr');
      const enrollmentId = await insertEnrollment(client, org, campaignId, positionId);
      await expectPgError(
        client.query(`UPDATE outreach.campaign_enrollments SET status = 'exited' WHERE id = $1`, [
          enrollmentId,
        ]),
        { code: CHECK_VIOLATION, constraint: 'campaign_enrollments_exit_check' },
      );
      await client.query(
        `UPDATE outreach.campaign_enrollments SET status = 'exited', exit_reason = 'replied', exited_at = now() WHERE id = $1`,
        [enrollmentId],
      );
      const task = (columns: string, values: string): Promise<pg.QueryResult> =>
        client.query(
          `INSERT INTO outreach.tasks (organisation_id, campaign_id, enrollment_id, step_id, due_at, ${columns})
           VALUES ($1, $2, $3, $4, now(), ${values})`,
          [org, campaignId, enrollmentId, stepId],
        );
      const cases: [string, string, string][] = [
        ['max_attempts', '0', 'tasks_max_attempts_check'],
        ['attempts, max_attempts', '4, 3', 'tasks_attempts_check'],
        ['status', `'done'`, 'tasks_status_check'],
        ['status', `'running'`, 'tasks_lock_check'],
        ['locked_by', `'worker-1'`, 'tasks_lock_check'],
      ];
      for (const [columns, values, constraint] of cases) {
        await expectPgError(task(columns, values), { code: CHECK_VIOLATION, constraint });
      }
      await task(
        'status, locked_by, locked_until',
        `'running', 'worker-1', now() + interval '5 minutes'`,
      );
    });

    it('checks message direction, status and threading fields', async () => {
      const insert = (columns: string, values: string): Promise<pg.QueryResult> =>
        client.query(
          `INSERT INTO outreach.messages (organisation_id, from_email, to_email, ${columns})
           VALUES ($1, 'a@b.example', 'c@d.example', ${values})`,
          [org],
        );
      const cases: [string, string, string][] = [
        ['direction, status', `'sideways', 'queued'`, 'messages_direction_check'],
        ['direction, status', `'outbound', 'opened'`, 'messages_status_check'],
        ['direction, status', `'outbound', 'received'`, 'messages_direction_status_check'],
        ['direction, status', `'outbound', 'sent'`, 'messages_sent_at_check'],
        ['direction, status', `'inbound', 'received'`, 'messages_received_at_check'],
        [
          'direction, status, task_id, received_at',
          `'inbound', 'received', gen_random_uuid(), now()`,
          'messages_task_direction_check',
        ],
        [
          'direction, status, step_experiment_id',
          `'outbound', 'queued', gen_random_uuid()`,
          'messages_experiment_variant_check',
        ],
        [
          'direction, status, message_id',
          `'outbound', 'queued', '<a b@c>'`,
          'messages_message_id_check',
        ],
      ];
      for (const [columns, values, constraint] of cases) {
        await expectPgError(insert(columns, values), { code: CHECK_VIOLATION, constraint });
      }
      await insert('direction, status, message_id', `'outbound', 'queued', '<unique.1@b.example>'`);
      await expectPgError(
        insert('direction, status, message_id', `'outbound', 'queued', '<unique.1@b.example>'`),
        {
          code: UNIQUE_VIOLATION,
          constraint: 'messages_message_id_key',
        },
      );
    });
  });

  describe('tracking', () => {
    it('accepts only tokens that carry the row’s organisation and enough randomness', async () => {
      const other = await insertOrganisation(client, 'Jetons');
      const messageId = await insertReturningId(
        client,
        `INSERT INTO outreach.messages (organisation_id, direction, status, from_email, to_email)
         VALUES ($1, 'outbound', 'queued', 'a@b.example', 'c@d.example') RETURNING id`,
        [org],
      );
      const { rows } = await client.query<{ prefix: string }>(
        `SELECT rtrim(translate(encode(uuid_send($1::uuid), 'base64'), '+/', '-_'), '=') AS prefix`,
        [other],
      );
      const otherPrefix = rows[0]?.prefix ?? '';
      const insert = (token: string): Promise<pg.QueryResult> =>
        client.query(
          'INSERT INTO tracking.pixels (organisation_id, message_id, token) VALUES ($1, $2, $3)',
          [org, messageId, token],
        );
      await expectPgError(insert(`${otherPrefix}.${'a'.repeat(22)}`), {
        code: CHECK_VIOLATION,
        constraint: 'pixels_token_check',
      });
      await expectPgError(insert('a'.repeat(40)), {
        code: CHECK_VIOLATION,
        constraint: 'pixels_token_check',
      });
      const { rows: own } = await client.query<{ prefix: string }>(
        `SELECT rtrim(translate(encode(uuid_send($1::uuid), 'base64'), '+/', '-_'), '=') AS prefix`,
        [org],
      );
      const prefix = own[0]?.prefix ?? '';
      // Too short a secret (< 128 bits).
      await expectPgError(insert(`${prefix}.${'a'.repeat(21)}`), {
        code: CHECK_VIOLATION,
        constraint: 'pixels_token_check',
      });
      await insert(`${prefix}.${'b'.repeat(22)}`);
      // The tracker's lookup: organisation from the token, then (organisation_id, token).
      const { rows: found } = await client.query<{ message_id: string }>(
        `SELECT message_id FROM tracking.pixels
          WHERE organisation_id = tracking.token_organisation_id($1) AND token = $1`,
        [`${prefix}.${'b'.repeat(22)}`],
      );
      expect(found).toEqual([{ message_id: messageId }]);
      const { rows: malformed } = await client.query<{ org: string | null }>(
        `SELECT tracking.token_organisation_id('garbage') AS org`,
      );
      expect(malformed).toEqual([{ org: null }]);
    });

    it('keeps the open counters consistent', async () => {
      const messageId = await insertReturningId(
        client,
        `INSERT INTO outreach.messages (organisation_id, direction, status, from_email, to_email)
         VALUES ($1, 'outbound', 'queued', 'a@b.example', 'c@d.example') RETURNING id`,
        [org],
      );
      await expectPgError(
        client.query(
          `INSERT INTO tracking.message_open_stats (organisation_id, message_id, open_count, human_open_count)
           VALUES ($1, $2, 2, 1)`,
          [org, messageId],
        ),
        { code: CHECK_VIOLATION, constraint: 'message_open_stats_counts_check' },
      );
      await expectPgError(
        client.query(
          `INSERT INTO tracking.message_open_stats (organisation_id, message_id, open_count, bot_open_count)
           VALUES ($1, $2, 1, 1)`,
          [org, messageId],
        ),
        { code: CHECK_VIOLATION, constraint: 'message_open_stats_open_at_check' },
      );
    });
  });

  describe('triggers', () => {
    it('moves updated_at on update, even when the statement tries to set it', async () => {
      const id = randomUUID();
      await client.query(
        `INSERT INTO crm.companies (organisation_id, id, name, created_at, updated_at)
         VALUES ($1, $2, 'Horodatage', '2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z')`,
        [org, id],
      );
      await client.query(
        `UPDATE crm.companies SET name = 'Horodatage 2', updated_at = '2000-01-01' WHERE organisation_id = $1 AND id = $2`,
        [org, id],
      );
      const { rows } = await client.query<{ created: Date; updated: Date; now: Date }>(
        'SELECT created_at AS created, updated_at AS updated, now() AS now FROM crm.companies WHERE organisation_id = $1 AND id = $2',
        [org, id],
      );
      const row = rows[0];
      expect(row?.created.toISOString()).toBe('2020-01-01T00:00:00.000Z');
      expect(row && row.updated.getTime() > Date.parse('2020-01-02T00:00:00Z')).toBe(true);
      expect(row && Math.abs(row.updated.getTime() - row.now.getTime()) < 60_000).toBe(true);
    });

    it('gives concurrent inserts of the same name distinct slugs (the second waits for the first)', async () => {
      const first = await connect(db.url);
      const second = await connect(db.url);
      try {
        await first.query('BEGIN');
        await first.query(`INSERT INTO iam.organisations (name) VALUES ('Concurrence Loyale')`);
        await second.query('BEGIN');
        const waiting = second.query<{ slug: string }>(
          `INSERT INTO iam.organisations (name) VALUES ('Concurrence loyale') RETURNING slug`,
        );
        await new Promise((resolve) => setTimeout(resolve, 200));
        await first.query('COMMIT');
        const { rows } = await waiting;
        await second.query('COMMIT');
        expect(rows).toEqual([{ slug: 'concurrence-loyale-2' }]);
      } finally {
        await first.end();
        await second.end();
      }
    });

    it('derives unique slugs from names: accents stripped, collisions suffixed, explicit slugs kept', async () => {
      const slugOf = async (name: string, slug?: string): Promise<string> => {
        const { rows } = await client.query<{ slug: string }>(
          'INSERT INTO iam.organisations (name, slug) VALUES ($1, $2) RETURNING slug',
          [name, slug ?? null],
        );
        return rows[0]?.slug ?? '';
      };
      expect(await slugOf('Société Générale')).toBe('societe-generale');
      expect(await slugOf('SOCIÉTÉ  générale !')).toBe('societe-generale-2');
      expect(await slugOf('Société Générale')).toBe('societe-generale-3');
      expect(await slugOf("L'Œuvre & Cie — Ÿvelines")).toBe('l-oeuvre-cie-yvelines');
      expect(await slugOf('!!!')).toBe('organisation');
      expect(await slugOf('Nom quelconque', 'mon-slug')).toBe('mon-slug');
      await expectPgError(slugOf('Autre', 'mon-slug'), {
        code: UNIQUE_VIOLATION,
        constraint: 'organisations_slug_key',
      });
      await expectPgError(slugOf('Autre', 'Mon Slug'), {
        code: CHECK_VIOLATION,
        constraint: 'organisations_slug_check',
      });
      const long = await slugOf('x'.repeat(120));
      expect(long.length).toBeLessThanOrEqual(63);
      // Renaming keeps the slug (stable URLs).
      await client.query(`UPDATE iam.organisations SET name = 'Renommée' WHERE slug = 'mon-slug'`);
      const { rowCount } = await client.query(
        `SELECT 1 FROM iam.organisations WHERE slug = 'mon-slug'`,
      );
      expect(rowCount).toBe(1);
    });
  });
});
