import { randomUUID } from 'node:crypto';
import { asOrganisationId, runInTenantTransaction, type OrganisationId } from '@outreach/db';
import { DEV_MAILBOX_SECRET_KEYS, mailboxSecretAad, SecretKeyRing } from '@outreach/secrets';
import type { DataSource, EntityManager } from 'typeorm';

/** The development key ring the worker uses when MAILBOX_SECRET_KEYS is unset (tests). */
export const KEY_RING = SecretKeyRing.parse(DEV_MAILBOX_SECRET_KEYS);

export interface StepSpec {
  delayDays?: number;
  subject?: string | null;
  body?: string | null;
  sendAsReply?: boolean;
  exitOnReply?: boolean;
}

export interface EngineFixture {
  organisationId: OrganisationId;
  mailboxId: string;
  campaignId: string;
  stepIds: string[];
}

export interface MailboxSpec {
  smtpPort: number;
  password?: string;
  dailyCap?: number;
  minSpacingSeconds?: number;
  imap?: { port: number; username: string; password: string };
}

const EVERY_DAY = '{1,2,3,4,5,6,7}';

/**
 * One organisation with a mailbox on the test SMTP server (its password sealed as the api
 * does), an active campaign open all day every day (UTC) and the given steps.
 */
export async function seedCampaign(
  dataSource: DataSource,
  mailbox: MailboxSpec,
  steps: StepSpec[],
  campaign: { window?: [string, string]; timezone?: string; dailyLimit?: number } = {},
): Promise<EngineFixture> {
  const organisationId = asOrganisationId(randomUUID());
  return runInTenantTransaction(dataSource, organisationId, async (manager) => {
    await manager.query(`INSERT INTO iam.organisations (id, name) VALUES ($1, $2)`, [
      organisationId,
      `Engine ${organisationId.slice(0, 8)}`,
    ]);
    const mailboxId = randomUUID();
    const smtp = KEY_RING.encrypt(
      mailbox.password ?? 'sink-password',
      mailboxSecretAad(organisationId, mailboxId, 'smtp_password'),
    );
    const imap = mailbox.imap
      ? KEY_RING.encrypt(
          mailbox.imap.password,
          mailboxSecretAad(organisationId, mailboxId, 'imap_password'),
        )
      : null;
    await manager.query(
      `INSERT INTO delivery.mailboxes
              (organisation_id, id, email_address, display_name, smtp_host, smtp_port, smtp_security,
               smtp_username, smtp_password_encrypted, secret_key_id, daily_cap, min_spacing_seconds,
               imap_host, imap_port, imap_security, imap_username, imap_password_encrypted)
       VALUES ($1, $2, $3, 'Sophie Martin', '127.0.0.1', $4, 'none', 'sink-user', $5, $6, $7, $8,
               $9, $10, $11, $12, $13)`,
      [
        organisationId,
        mailboxId,
        `sophie@${organisationId.slice(0, 8)}.example.com`,
        mailbox.smtpPort,
        smtp.sealed,
        smtp.keyId,
        mailbox.dailyCap ?? 10_000,
        mailbox.minSpacingSeconds ?? 0,
        mailbox.imap ? '127.0.0.1' : null,
        mailbox.imap?.port ?? null,
        mailbox.imap ? 'none' : null,
        mailbox.imap?.username ?? null,
        imap?.sealed ?? null,
      ],
    );
    const [start, end] = campaign.window ?? ['00:00', '24:00'];
    const [row] = await manager.query<Array<{ id: string }>>(
      `INSERT INTO outreach.campaigns
              (organisation_id, name, status, mailbox_id, timezone, sending_window_start,
               sending_window_end, sending_days, daily_limit, started_at)
       VALUES ($1, 'Prospection Q4', 'active', $2, $3, $4, $5, $6, $7, now()) RETURNING id`,
      [
        organisationId,
        mailboxId,
        campaign.timezone ?? 'UTC',
        start,
        end,
        EVERY_DAY,
        campaign.dailyLimit ?? 10_000,
      ],
    );
    const campaignId = row?.id ?? '';
    const stepIds: string[] = [];
    for (const [index, step] of steps.entries()) {
      const [created] = await manager.query<Array<{ id: string }>>(
        `INSERT INTO outreach.workflow_steps
                (organisation_id, campaign_id, step_order, delay_days, send_as_reply, exit_on_reply,
                 subject_template, body_template)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
        [
          organisationId,
          campaignId,
          index + 1,
          step.delayDays ?? 0,
          step.sendAsReply ?? true,
          step.exitOnReply ?? true,
          step.subject === undefined ? 'Bonjour {{ person.first_name }}' : step.subject,
          step.body === undefined
            ? 'Bonjour {{ person.first_name }},\n\nUn mot pour {{ company.name }}.\n\nSe désinscrire : {{ unsubscribe_url }}'
            : step.body,
        ],
      );
      stepIds.push(created?.id ?? '');
    }
    return { organisationId, mailboxId, campaignId, stepIds };
  });
}

/**
 * Enrolls `count` new prospects (a company, a person and a position each) in the fixture's
 * campaign at its first step, with the first task due now. Returns the enrollment ids.
 */
export async function enrollProspects(
  dataSource: DataSource,
  fixture: EngineFixture,
  count: number,
  person: { firstName?: string | null; email?: (index: number) => string } = {},
  /** When the first tasks are due (default: now, so the scheduler claims them at once). */
  dueAt: Date | null = null,
): Promise<string[]> {
  return inTenant(dataSource, fixture.organisationId, async (manager) => {
    const rows = await manager.query<Array<{ id: string }>>(
      `WITH c AS (
         INSERT INTO crm.companies (organisation_id, name, domain)
         SELECT $1, 'Dupont & Fils ' || i, 'dupont' || i || '.example.fr' FROM generate_series(1, $3) i
         RETURNING id, domain),
       numbered AS (SELECT id, domain, row_number() OVER () AS n FROM c),
       p AS (
         INSERT INTO crm.people (organisation_id, first_name, last_name)
         SELECT $1, $4, 'Dupont' FROM generate_series(1, $3) RETURNING id),
       pn AS (SELECT id, row_number() OVER () AS n FROM p),
       pos AS (
         INSERT INTO crm.positions (organisation_id, person_id, company_id, title, email, email_status)
         SELECT $1, pn.id, numbered.id, 'Directrice commerciale',
                coalesce(($5::text[])[numbered.n], 'claire.' || numbered.n || '@' || numbered.domain), 'valid'
           FROM pn JOIN numbered USING (n) RETURNING id),
       e AS (
         INSERT INTO outreach.campaign_enrollments (organisation_id, campaign_id, position_id, current_step_id)
         SELECT $1, $2, id, $6 FROM pos RETURNING id)
       INSERT INTO outreach.tasks (organisation_id, campaign_id, enrollment_id, step_id, due_at)
       SELECT $1, $2, id, $6, coalesce($7::timestamptz, now()) FROM e RETURNING enrollment_id AS id`,
      [
        fixture.organisationId,
        fixture.campaignId,
        count,
        person.firstName === undefined ? 'Claire' : person.firstName,
        person.email ? Array.from({ length: count }, (_, i) => person.email?.(i + 1) ?? '') : null,
        fixture.stepIds[0],
        dueAt,
      ],
    );
    return rows.map((row) => row.id);
  });
}

export function inTenant<T>(
  dataSource: DataSource,
  organisationId: OrganisationId,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  return runInTenantTransaction(dataSource, organisationId, work);
}

/** Rows of a query in the organisation (tests only). */
export function select<T>(
  dataSource: DataSource,
  organisationId: OrganisationId,
  sql: string,
  parameters: unknown[] = [],
): Promise<T[]> {
  return inTenant(dataSource, organisationId, (manager) => manager.query<T[]>(sql, parameters));
}

/** Polls until `check` returns a value (not undefined) or throws after timeoutMs. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
