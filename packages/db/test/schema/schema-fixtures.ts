import { randomUUID } from 'node:crypto';
import type pg from 'pg';

/** Minimal valid rows, inserted with plain SQL as a superuser (row-level security does not apply). */

export async function insertOrganisation(client: pg.Client, name = 'Acme SAS'): Promise<string> {
  const id = randomUUID();
  await client.query('INSERT INTO iam.organisations (id, name) VALUES ($1, $2)', [id, name]);
  return id;
}

export async function insertCompany(
  client: pg.Client,
  organisationId: string,
  name = 'Dupont & Fils',
): Promise<string> {
  const id = randomUUID();
  await client.query(
    'INSERT INTO crm.companies (organisation_id, id, name, website_url) VALUES ($1, $2, $3, $4)',
    [organisationId, id, name, 'https://dupont.example.fr'],
  );
  return id;
}

export async function insertPerson(client: pg.Client, organisationId: string): Promise<string> {
  const id = randomUUID();
  await client.query(
    'INSERT INTO crm.people (organisation_id, id, first_name, last_name) VALUES ($1, $2, $3, $4)',
    [organisationId, id, 'Élodie', 'Martin'],
  );
  return id;
}

export interface ProspectIds {
  companyId: string;
  personId: string;
  positionId: string;
}

/** A company, a person and the position joining them (e-mails are unique per organisation). */
export async function insertProspect(
  client: pg.Client,
  organisationId: string,
  email = 'Elodie.Martin@Dupont.example.fr',
): Promise<ProspectIds> {
  const companyId = await insertCompany(client, organisationId);
  const personId = await insertPerson(client, organisationId);
  const positionId = randomUUID();
  await client.query(
    `INSERT INTO crm.positions (organisation_id, id, person_id, company_id, title, email, email_status)
     VALUES ($1, $2, $3, $4, 'Directrice commerciale', $5, 'valid')`,
    [organisationId, positionId, personId, companyId, email],
  );
  return { companyId, personId, positionId };
}

export async function insertCampaign(client: pg.Client, organisationId: string): Promise<string> {
  const id = randomUUID();
  await client.query(
    `INSERT INTO outreach.campaigns (organisation_id, id, name) VALUES ($1, $2, 'Relance Q1')`,
    [organisationId, id],
  );
  return id;
}

export async function insertStep(
  client: pg.Client,
  organisationId: string,
  campaignId: string,
  stepOrder = 1,
): Promise<string> {
  const id = randomUUID();
  await client.query(
    `INSERT INTO outreach.workflow_steps
       (organisation_id, id, campaign_id, step_order, delay_days, subject_template, body_template)
     VALUES ($1, $2, $3, $4, 2, 'Bonjour {{first_name}}', 'Corps du message')`,
    [organisationId, id, campaignId, stepOrder],
  );
  return id;
}

/** Runs an INSERT ... RETURNING id and returns the id. */
export async function insertReturningId(
  client: pg.Client,
  sql: string,
  params: unknown[],
): Promise<string> {
  const result = await client.query<{ id: string }>(sql, params);
  const row = result.rows[0];
  if (!row) throw new Error('INSERT ... RETURNING id returned no row');
  return row.id;
}

export async function insertEnrollment(
  client: pg.Client,
  organisationId: string,
  campaignId: string,
  positionId: string,
): Promise<string> {
  return insertReturningId(
    client,
    `INSERT INTO outreach.campaign_enrollments (organisation_id, campaign_id, position_id)
     VALUES ($1, $2, $3) RETURNING id`,
    [organisationId, campaignId, positionId],
  );
}

/** A task due now; `insertTask(...)` again for the same enrollment and step must fail. */
export function insertTask(
  client: pg.Client,
  organisationId: string,
  ids: { campaignId: string; enrollmentId: string; stepId: string },
): Promise<string> {
  return insertReturningId(
    client,
    `INSERT INTO outreach.tasks (organisation_id, campaign_id, enrollment_id, step_id, due_at)
     VALUES ($1, $2, $3, $4, now()) RETURNING id`,
    [organisationId, ids.campaignId, ids.enrollmentId, ids.stepId],
  );
}
