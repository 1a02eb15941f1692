import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { OrganisationId } from '../organisation-id.js';
import { runQuery } from '../repositories/entity-rows.js';
import { runInTenantTransaction } from '../tenant-transaction.js';

export interface CampaignActivityOptions {
  /** Prospects enrolled and sent step 1 (one message each); one more enrollment has no message. */
  enrollments: number;
  /** Makes e-mails and names unique when seeding several campaigns in one organisation. */
  label: string;
  /** First day of sending (UTC midnight); messages spread over five days from it. */
  firstDay?: string;
  /** Campaign time zone (default Europe/Paris). */
  timezone?: string;
  /** Status of the step-1 A/B experiment (default running). */
  experimentStatus?: 'draft' | 'running' | 'completed' | 'cancelled';
  /** Skip step 2 (the bench's campaign then has exactly `enrollments` step-1 messages). */
  stepOneOnly?: boolean;
}

export interface CampaignActivity {
  campaignId: string;
  stepIds: [string, string];
  experimentId: string;
  variantIds: { A: string; B: string };
  mailboxIds: [string, string];
}

/**
 * Tests and benches only: a two-step campaign with a running A/B experiment (A, B) on step 1,
 * two mailboxes, and set-based activity (INSERT … SELECT generate_series, deterministic ids), so
 * every figure is known. For prospect i = 1 … n (step 1, mailbox 1, variant A when i is odd):
 * - the message failed when i % 50 = 25, bounced when i % 10 = 0 (a soft DSN when i % 20 = 0, a
 *   hard DSN when i % 40 = 10, none — rejected at SMTP time — when i % 40 = 30), sent otherwise,
 *   at firstDay + (i % 5) days, 10:00 UTC;
 * - a delivered message has 2 human opens and 1 Apple proxy open when i % 3 = 0, else 1 proxy
 *   open when i % 4 = 0; a human reply when i % 7 = 0, an out-of-office when i % 11 = 0;
 * - the enrollment exited 'unsubscribed' by that message when i % 13 = 0 (and it was delivered),
 *   the address suppressed (reason unsubscribed, source that outbound message: the tracker's
 *   one-click unsubscribe) at 13:00;
 * - an "unsubscribe in words" when i % 19 = 0 (delivered, i % 13 <> 0): an inbound message classed
 *   unsubscribe_request answers the message and is the suppression's source (the inbound
 *   reader's way), at 14:00; the enrollment is left as it was (as after a completed sequence);
 * - step 2 (mailbox 2, no variant) was sent to even i whose step-1 message was delivered and
 *   who did not unsubscribe, three days later.
 * Enrollment n + 1 exited 'unsubscribed' with no message; its address is suppressed without a
 * source message (counted in no campaign).
 */
export async function seedCampaignActivity(
  dataSource: DataSource,
  organisationId: OrganisationId,
  options: CampaignActivityOptions,
): Promise<CampaignActivity> {
  const n = options.enrollments;
  const label = options.label;
  const firstDay = options.firstDay ?? '2025-12-01';
  const id = (kind: string, i: number | string = 0): string =>
    md5Uuid(`${organisationId}:${label}:${kind}:${String(i)}`);
  const campaignId = id('campaign');
  const stepIds: [string, string] = [id('step', 1), id('step', 2)];
  const experimentId = id('experiment');
  const variantIds = { A: id('variant', 'A'), B: id('variant', 'B') };
  const mailboxIds: [string, string] = [id('mailbox', 1), id('mailbox', 2)];
  // Deterministic ids in SQL: md5(org:label:kind:i) shaped as a version-4 UUID, as md5Uuid does
  // in JS (the api's ParseUUIDPipe wants a version and a variant).
  const sqlId = (kind: string, index: string): string =>
    `overlay(overlay(md5($1::uuid::text || ':' || $2::text || ':${kind}:' || ${index}) placing '4' from 13) placing '8' from 17)::uuid`;
  await runInTenantTransaction(dataSource, organisationId, async (manager) => {
    const run = (sql: string, extra: unknown[] = []): Promise<unknown> =>
      runQuery(manager, sql, [organisationId, label, ...extra]);
    await run(
      `INSERT INTO delivery.mailboxes (organisation_id, id, email_address, smtp_host, smtp_port,
              smtp_username, smtp_password_encrypted, secret_key_id)
       SELECT $1, ${sqlId('mailbox', 'k::text')}, 'sales' || k || '-' || $2 || '@activity.example',
              'smtp.activity.example', 587, 'sales' || k, decode(repeat('00', 40), 'hex'), 'k1'
         FROM generate_series(1, 2) AS k`,
    );
    await run(
      `INSERT INTO outreach.campaigns (organisation_id, id, name, status, mailbox_id, timezone, created_at)
       VALUES ($1, ${sqlId('campaign', "'0'")}, 'Activity ' || $2, 'active', ${sqlId('mailbox', "'1'")},
               $3, $4::timestamptz - interval '1 day')`,
      [options.timezone ?? 'Europe/Paris', `${firstDay}T00:00:00Z`],
    );
    await run(
      `INSERT INTO outreach.workflow_steps (organisation_id, id, campaign_id, step_order, delay_days,
              subject_template, body_template)
       SELECT $1, ${sqlId('step', 'k::text')}, ${sqlId('campaign', "'0'")}, k, (k - 1) * 3,
              'Bonjour {{ first_name }}', 'Message ' || k
         FROM generate_series(1, 2) AS k`,
    );
    await run(
      `INSERT INTO outreach.step_experiments (organisation_id, id, step_id, name, status, metric, started_at)
       VALUES ($1, ${sqlId('experiment', "'0'")}, ${sqlId('step', "'1'")}, 'Subject test', $3,
               'open_rate', CASE WHEN $3 = 'draft' THEN NULL ELSE $4::timestamptz END)`,
      [options.experimentStatus ?? 'running', `${firstDay}T00:00:00Z`],
    );
    await run(
      `INSERT INTO outreach.step_experiment_variants (organisation_id, id, experiment_id, key, weight,
              subject_template, body_template)
       SELECT $1, ${sqlId('variant', 'v')}, ${sqlId('experiment', "'0'")}, v, 1, 'Objet ' || v, 'Corps ' || v
         FROM unnest(ARRAY['A', 'B']) AS v`,
    );
    await run(
      `INSERT INTO crm.companies (organisation_id, id, name) VALUES ($1, ${sqlId('company', "'0'")}, 'Activity ' || $2)`,
    );
    await run(
      `INSERT INTO crm.people (organisation_id, id, first_name, last_name)
       SELECT $1, ${sqlId('person', 'i::text')}, 'Prénom', 'Nom ' || i FROM generate_series(1, $3::int + 1) AS i`,
      [n],
    );
    await run(
      `INSERT INTO crm.positions (organisation_id, id, person_id, company_id, title, email, email_status)
       SELECT $1, ${sqlId('position', 'i::text')}, ${sqlId('person', 'i::text')}, ${sqlId('company', "'0'")},
              'Dirigeant', 'p' || i || '-' || $2 || '@activity.example', 'valid'
         FROM generate_series(1, $3::int + 1) AS i`,
      [n],
    );
    await run(
      `INSERT INTO outreach.campaign_enrollments (organisation_id, id, campaign_id, position_id, created_at)
       SELECT $1, ${sqlId('enrollment', 'i::text')}, ${sqlId('campaign', "'0'")}, ${sqlId('position', 'i::text')},
              $4::timestamptz
         FROM generate_series(1, $3::int + 1) AS i`,
      [n, `${firstDay}T00:00:00Z`],
    );
    await run(
      `INSERT INTO outreach.enrollment_step_variant_assignments (organisation_id, enrollment_id, experiment_id, variant_id)
       SELECT $1, ${sqlId('enrollment', 'i::text')}, ${sqlId('experiment', "'0'")},
              ${sqlId('variant', "CASE WHEN i % 2 = 1 THEN 'A' ELSE 'B' END")}
         FROM generate_series(1, $3::int) AS i`,
      [n],
    );
    await run(
      `INSERT INTO outreach.tasks (organisation_id, id, campaign_id, enrollment_id, step_id, status, due_at, completed_at)
       SELECT $1, ${sqlId('task1', 'i::text')}, ${sqlId('campaign', "'0'")}, ${sqlId('enrollment', 'i::text')},
              ${sqlId('step', "'1'")}, 'completed', $4::timestamptz, $4::timestamptz
         FROM generate_series(1, $3::int) AS i`,
      [n, `${firstDay}T00:00:00Z`],
    );
    await run(
      `INSERT INTO outreach.messages (organisation_id, id, direction, status, enrollment_id, task_id,
              position_id, step_experiment_id, variant_id, mailbox_id, from_email, to_email, subject, sent_at)
       SELECT $1, ${sqlId('message1', 'i::text')}, 'outbound', s.status, ${sqlId('enrollment', 'i::text')},
              ${sqlId('task1', 'i::text')}, ${sqlId('position', 'i::text')}, ${sqlId('experiment', "'0'")},
              ${sqlId('variant', "CASE WHEN i % 2 = 1 THEN 'A' ELSE 'B' END")}, ${sqlId('mailbox', "'1'")},
              'sales1-' || $2 || '@activity.example', 'p' || i || '-' || $2 || '@activity.example', 'Objet',
              CASE WHEN s.status = 'failed' THEN NULL
                   ELSE $4::timestamptz + (i % 5) * interval '1 day' + interval '10 hours' END
         FROM generate_series(1, $3::int) AS i,
              LATERAL (SELECT CASE WHEN i % 50 = 25 THEN 'failed' WHEN i % 10 = 0 THEN 'bounced'
                                   ELSE 'sent' END) AS s(status)`,
      [n, `${firstDay}T00:00:00Z`],
    );
    await run(
      `INSERT INTO tracking.message_open_stats (organisation_id, message_id, open_count, human_open_count,
              proxy_open_count, bot_open_count, first_open_at, last_open_at, first_human_open_at,
              last_human_open_at, last_open_kind)
       SELECT $1, ${sqlId('message1', 'i::text')}, h + 1, h, 1, 0, t, t + interval '1 hour',
              CASE WHEN h > 0 THEN t END, CASE WHEN h > 0 THEN t + interval '1 hour' END,
              CASE WHEN h > 0 THEN 'human' ELSE 'proxy' END
         FROM generate_series(1, $3::int) AS i,
              LATERAL (SELECT CASE WHEN i % 3 = 0 THEN 2 ELSE 0 END,
                              $4::timestamptz + (i % 5) * interval '1 day' + interval '11 hours') AS o(h, t)
        WHERE i % 50 <> 25 AND i % 10 <> 0 AND (i % 3 = 0 OR i % 4 = 0)`,
      [n, `${firstDay}T00:00:00Z`],
    );
    // Unsubscribes: by the delivered step-1 message when i % 13 = 0; enrollment n + 1 without one.
    await run(
      `UPDATE outreach.campaign_enrollments e
          SET status = 'exited', exit_reason = 'unsubscribed',
              exited_at = $4::timestamptz + (u.i % 5) * interval '1 day' + interval '13 hours',
              exit_message_id = CASE WHEN u.i <= $3 THEN ${sqlId('message1', 'u.i::text')} END
         FROM generate_series(1, $3::int + 1) AS u(i)
        WHERE e.organisation_id = $1 AND e.id = ${sqlId('enrollment', 'u.i::text')}
          AND (u.i = $3 + 1 OR (u.i % 13 = 0 AND u.i % 50 <> 25 AND u.i % 10 <> 0))`,
      [n, `${firstDay}T00:00:00Z`],
    );
    if (!options.stepOneOnly) await seedStepTwo(run, n, firstDay, sqlId);
    // Inbound: DSNs for bounced messages, replies and out-of-office to delivered ones.
    await run(
      `INSERT INTO outreach.messages (organisation_id, id, direction, status, position_id, from_email,
              to_email, subject, received_at, inbound_class, replied_to_message_id)
       SELECT $1, ${sqlId('inbound', "c || ':' || i")}, 'inbound', 'received', ${sqlId('position', 'i::text')},
              CASE WHEN c LIKE '%bounce' THEN 'mailer-daemon@activity.example'
                   ELSE 'p' || i || '-' || $2 || '@activity.example' END,
              'sales1-' || $2 || '@activity.example', 'Re: Objet',
              $4::timestamptz + (i % 5) * interval '1 day' + interval '12 hours', c,
              ${sqlId('message1', 'i::text')}
         FROM generate_series(1, $3::int) AS i
        CROSS JOIN LATERAL (VALUES
          (CASE WHEN i % 50 <> 25 AND i % 20 = 0 THEN 'soft_bounce' END),
          (CASE WHEN i % 50 <> 25 AND i % 40 = 10 THEN 'hard_bounce' END),
          (CASE WHEN i % 50 <> 25 AND i % 10 <> 0 AND i % 7 = 0 THEN 'human_reply' END),
          (CASE WHEN i % 50 <> 25 AND i % 10 <> 0 AND i % 11 = 0 THEN 'out_of_office' END),
          (CASE WHEN i % 50 <> 25 AND i % 10 <> 0 AND i % 19 = 0 AND i % 13 <> 0
                THEN 'unsubscribe_request' END)
        ) AS k(c)
        WHERE c IS NOT NULL`,
      [n, `${firstDay}T00:00:00Z`],
    );
    // Suppressions: one-click (source: the outbound message), in words (source: the inbound
    // message), and enrollment n + 1's without a source.
    await run(
      `INSERT INTO delivery.suppressions (organisation_id, kind, value, reason, source_message_id, created_at)
       SELECT $1, 'email', 'p' || i || '-' || $2 || '@activity.example', 'unsubscribed',
              CASE WHEN i > $3 THEN NULL
                   WHEN i % 13 = 0 THEN ${sqlId('message1', 'i::text')}
                   ELSE ${sqlId('inbound', "'unsubscribe_request:' || i")} END,
              $4::timestamptz + (i % 5) * interval '1 day'
                + CASE WHEN i % 13 = 0 THEN interval '13 hours' ELSE interval '14 hours' END
         FROM generate_series(1, $3::int + 1) AS i
        WHERE i = $3 + 1
           OR (i % 50 <> 25 AND i % 10 <> 0 AND (i % 13 = 0 OR i % 19 = 0))`,
      [n, `${firstDay}T00:00:00Z`],
    );
  });
  return { campaignId, stepIds, experimentId, variantIds, mailboxIds };
}

/** Step 2: even i whose step-1 message was delivered and who did not unsubscribe. */
async function seedStepTwo(
  run: (sql: string, extra?: unknown[]) => Promise<unknown>,
  n: number,
  firstDay: string,
  sqlId: (kind: string, index: string) => string,
): Promise<void> {
  await run(
    `INSERT INTO outreach.tasks (organisation_id, id, campaign_id, enrollment_id, step_id, status, due_at, completed_at)
       SELECT $1, ${sqlId('task2', 'i::text')}, ${sqlId('campaign', "'0'")}, ${sqlId('enrollment', 'i::text')},
              ${sqlId('step', "'2'")}, 'completed', $4::timestamptz, $4::timestamptz
         FROM generate_series(2, $3::int, 2) AS i
        WHERE i % 50 <> 25 AND i % 10 <> 0 AND i % 13 <> 0`,
    [n, `${firstDay}T00:00:00Z`],
  );
  await run(
    `INSERT INTO outreach.messages (organisation_id, id, direction, status, enrollment_id, task_id,
              position_id, mailbox_id, from_email, to_email, subject, sent_at)
       SELECT $1, ${sqlId('message2', 'i::text')}, 'outbound', 'sent', ${sqlId('enrollment', 'i::text')},
              ${sqlId('task2', 'i::text')}, ${sqlId('position', 'i::text')}, ${sqlId('mailbox', "'2'")},
              'sales2-' || $2 || '@activity.example', 'p' || i || '-' || $2 || '@activity.example', 'Relance',
              $4::timestamptz + (i % 5 + 3) * interval '1 day' + interval '10 hours'
         FROM generate_series(2, $3::int, 2) AS i
        WHERE i % 50 <> 25 AND i % 10 <> 0 AND i % 13 <> 0`,
    [n, `${firstDay}T00:00:00Z`],
  );
}

/** md5(text) as a version-4 UUID (digit 13 set to 4, digit 17 to 8), as the SQL above does. */
function md5Uuid(text: string): string {
  const md5 = md5Hex(text);
  const hex = `${md5.slice(0, 12)}4${md5.slice(13, 16)}8${md5.slice(17)}`;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function md5Hex(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}
