import type { EntityManager } from 'typeorm';
import {
  COMPANY_EMPLOYEE_RANGES,
  type CompanyEmployeeRange,
} from '../crm/company-employee-range.js';
import { POSITION_EMAIL_STATUSES, type PositionEmailStatus } from '../crm/position-status.js';
import { InvalidInputError } from '../errors/invalid-input.error.js';
import { isUuid, type OrganisationId } from '../organisation-id.js';
import { CampaignEnrollment } from '../outreach/campaign-enrollment.entity.js';
import type { CampaignStatus } from '../outreach/campaign-status.js';
import type { EnrollmentExitReason } from '../outreach/enrollment-status.js';
import { hydrateAs, runQuery } from './entity-rows.js';
import { timeOrderedIdHead, timeOrderedIdSeed } from './time-ordered-ids.js';

/** At most this many positions in one enrollment call (explicit ids). */
export const MAX_ENROLLMENT_POSITION_IDS = 100_000;

/**
 * E-mail statuses a campaign may write to. `valid` and `catch_all` (the server accepts every
 * address: deliverable, unverifiable) are usable; `risky`, `invalid` and `unknown` (never
 * verified) are skipped as `unusable_email_status`, to protect the mailbox's reputation.
 */
export const USABLE_EMAIL_STATUSES: readonly PositionEmailStatus[] = ['valid', 'catch_all'];

/** Why a selected position was not enrolled, in the order the checks apply. */
export const ENROLLMENT_SKIP_REASONS = [
  'not_found',
  'already_enrolled',
  'no_email',
  'inactive_position',
  'unusable_email_status',
  'suppressed',
] as const;
export type EnrollmentSkipReason = (typeof ENROLLMENT_SKIP_REASONS)[number];

/**
 * Which positions to enroll by their fields. Every given criterion must match (AND); inside a
 * list any value matches (OR). At least one criterion is required.
 */
export interface EnrollmentFilter {
  /** The position's company is one of these. */
  companyIds?: readonly string[] | undefined;
  /** NAF code of the company, exact (`62.01Z`) or a prefix (`62`, `62.0`, `62.01`). */
  nafCodes?: readonly string[] | undefined;
  /** City of the company, case-insensitive exact match. */
  cities?: readonly string[] | undefined;
  /** Postal code of the company starts with one of these (`75`, `69001`). */
  postalCodePrefixes?: readonly string[] | undefined;
  /** INSEE employee bracket of the company. */
  employeeRanges?: readonly CompanyEmployeeRange[] | undefined;
  /** ISO country code of the company. */
  countries?: readonly string[] | undefined;
  /** The position's e-mail status (unusable statuses are still skipped and counted). */
  emailStatuses?: readonly PositionEmailStatus[] | undefined;
  /** The Pharow list the position was imported from (exact). */
  pharowListName?: string | undefined;
}

export type EnrollmentSelection =
  | { positionIds: readonly string[]; filter?: undefined }
  | { filter: EnrollmentFilter; positionIds?: undefined };

export interface EnrollmentResult {
  enrolled: number;
  skipped: Record<EnrollmentSkipReason, number>;
}

export interface FirstStep {
  id: string;
  delayDays: number;
}

/** The transaction-level advisory lock that serialises enrolling into one campaign. */
const ENROLL_LOCK = `SELECT pg_advisory_xact_lock(hashtextextended('outreach.enroll:' || $1::text, 0))`;

const NAF_PREFIX = /^[0-9]{2}(\.[0-9]{1,2}[A-Z]?)?$/;
const POSTAL_PREFIX = /^[A-Za-z0-9]{1,10}$/;
const COUNTRY = /^[A-Z]{2}$/;

/**
 * Campaign enrollments and their tasks: enrolling positions set-based (a few statements, not
 * one per position), and the per-enrollment changes (pause, resume, exit). Every method takes
 * the organisation first and filters on organisation_id; row-level security applies too.
 */
export class EnrollmentRepository {
  readonly #manager: EntityManager;

  constructor(manager: EntityManager) {
    this.#manager = manager;
  }

  /**
   * Enrolls the selected positions of this organisation in the campaign and gives each new
   * enrollment its first task (`firstStep`, due now + its delay, `send_email`, pending), in ONE
   * statement. Skipped positions are counted by reason (see ENROLLMENT_SKIP_REASONS): ids that
   * are not this organisation's positions (another organisation's included) are `not_found`;
   * a position already in the campaign is `already_enrolled` (idempotent: the same call twice
   * enrolls nothing the second time). Call it in a tenant transaction: the enrollments and the
   * tasks are written together or not at all.
   */
  async enroll(
    organisationId: OrganisationId,
    campaignId: string,
    selection: EnrollmentSelection,
    options: { firstStep: FirstStep },
  ): Promise<EnrollmentResult> {
    if (!isUuid(campaignId)) throw invalid('campaign_id', 'campaignId must be a UUID');
    if (!isUuid(options.firstStep.id)) throw invalid('step_id', 'firstStep.id must be a UUID');
    const params: unknown[] = [organisationId, campaignId];
    const param = (value: unknown, cast: string): string => {
      params.push(value);
      return `$${params.length}::${cast}`;
    };
    const where = ['p.organisation_id = $1'];
    let joinCompany = false;
    let requested: number | null = null;

    if (selection.positionIds !== undefined) {
      const ids = [...new Set(selection.positionIds)];
      if (ids.length === 0) {
        throw invalid('position_ids', 'positionIds must name at least one position');
      }
      if (selection.positionIds.length > MAX_ENROLLMENT_POSITION_IDS) {
        throw invalid(
          'position_ids',
          `positionIds may name at most ${MAX_ENROLLMENT_POSITION_IDS} positions per call (got ${selection.positionIds.length}): split the selection`,
        );
      }
      const bad = ids.find((id) => !isUuidText(id));
      if (bad !== undefined) throw invalid('position_ids', `positionIds: ${bad} is not a UUID`);
      requested = ids.length;
      where.push(`p.id = ANY(${param(ids, 'uuid[]')})`);
    } else {
      const filter = selection.filter;
      const conditions = filterConditions(filter, param);
      if (conditions.position.length + conditions.company.length === 0) {
        throw invalid(
          'filter',
          'filter needs at least one criterion (companyIds, nafCodes, cities, postalCodePrefixes, employeeRanges, countries, emailStatuses, pharowListName)',
        );
      }
      where.push(...conditions.position, ...conditions.company);
      joinCompany = conditions.company.length > 0;
    }

    const usable = param(USABLE_EMAIL_STATUSES, 'text[]');
    const stepId = param(options.firstStep.id, 'uuid');
    const delayDays = param(options.firstStep.delayDays, 'int');
    const sql = `
      WITH candidates AS (
        SELECT p.id, p.email, p.email_status, p.status
          FROM crm.positions p
          ${joinCompany ? 'JOIN crm.companies c ON c.organisation_id = p.organisation_id AND c.id = p.company_id' : ''}
         WHERE ${where.join(' AND ')}
      ),
      -- The candidates' address domains that are suppressed, themselves or under a suppressed
      -- parent domain (sub.example.fr under example.fr): worked out once per distinct domain,
      -- not per candidate (100,000 candidates are typically a few thousand domains).
      suppressed_domains AS (
        SELECT DISTINCT d.domain
          FROM (SELECT DISTINCT lower(split_part(k.email::text, '@', 2)) AS domain
                  FROM candidates k WHERE k.email IS NOT NULL) d
         CROSS JOIN LATERAL string_to_array(d.domain, '.') AS x(parts)
         CROSS JOIN LATERAL unnest(x.parts) WITH ORDINALITY AS u(label, i)
          JOIN delivery.suppressions s
            ON s.organisation_id = $1 AND s.kind = 'domain'
           AND s.value_key = array_to_string(x.parts[u.i:], '.')
         WHERE u.i < cardinality(x.parts)
      ),
      -- Joins, not IN (subquery): the planner hashes them whatever its row estimates (an IN over
      -- a set estimated too large for memory became a rescan of that set per candidate). Each
      -- join matches at most one row: (organisation_id, position_id, campaign_id) and
      -- (organisation_id, kind, value_key) are unique, suppressed_domains is distinct.
      classified AS (
        SELECT k.id,
               CASE
                 WHEN e.position_id IS NOT NULL THEN 'already_enrolled'
                 WHEN k.email IS NULL THEN 'no_email'
                 WHEN k.status <> 'active' THEN 'inactive_position'
                 WHEN NOT (k.email_status = ANY(${usable})) THEN 'unusable_email_status'
                 WHEN se.value IS NOT NULL OR sd.domain IS NOT NULL THEN 'suppressed'
               END AS reason
          FROM candidates k
          LEFT JOIN outreach.campaign_enrollments e
            ON e.organisation_id = $1 AND e.campaign_id = $2 AND e.position_id = k.id
          LEFT JOIN delivery.suppressions se
            ON se.organisation_id = $1 AND se.kind = 'email' AND se.value_key = lower(k.email::text)
          LEFT JOIN suppressed_domains sd ON sd.domain = lower(split_part(k.email::text, '@', 2))
      ),
      -- Each new enrollment and its first task get time-ordered ids in position order (see
      -- TIME_ORDERED_IDS), so the index entries and foreign-key checks of 100,000 rows follow
      -- each other in the indexes instead of landing on random pages (numbered in the scan's
      -- order instead, the warm bench's enroll took 0.3 s more). No ON
      -- CONFLICT: the campaign's enrollments are read after the advisory lock that serialises
      -- enrolling into this campaign (taken just before), so an eligible position has no
      -- enrollment; ON CONFLICT would cost a speculative insertion (an index probe and one more
      -- WAL record) per row.
      ${TIME_ORDERED_IDS},
      inserted AS (
        INSERT INTO outreach.campaign_enrollments
               (organisation_id, id, campaign_id, position_id, status, current_step_id)
        SELECT $1, k.enrollment_id, $2, k.id, 'active', ${stepId}
          FROM eligible k
        RETURNING 1
      ),
      -- The first tasks, in the same statement: their foreign-key checks run at its end, when
      -- the enrollments are there.
      tasks AS (
        INSERT INTO outreach.tasks
               (organisation_id, id, campaign_id, enrollment_id, step_id, kind, status, due_at)
        SELECT $1, k.task_id, $2, k.enrollment_id, ${stepId}, 'send_email', 'pending',
               now() + make_interval(days => ${delayDays})
          FROM eligible k
        RETURNING 1
      )
      SELECT (SELECT count(*) FROM inserted)::int AS enrolled,
             (SELECT count(*) FROM tasks)::int AS tasks,
             count(*)::int AS candidates,
             count(*) FILTER (WHERE reason IS NULL)::int AS eligible,
             count(*) FILTER (WHERE reason = 'already_enrolled')::int AS already_enrolled,
             count(*) FILTER (WHERE reason = 'no_email')::int AS no_email,
             count(*) FILTER (WHERE reason = 'inactive_position')::int AS inactive_position,
             count(*) FILTER (WHERE reason = 'unusable_email_status')::int AS unusable_email_status,
             count(*) FILTER (WHERE reason = 'suppressed')::int AS suppressed
        FROM classified`;
    // Enrolling into one campaign is serialised (until this transaction ends): a second call
    // waits here, then its statement reads the first one's enrollments as already enrolled.
    // An advisory lock, not a row lock on the campaign: nothing but another enroll waits.
    await runQuery(this.#manager, ENROLL_LOCK, [campaignId]);
    const rows = await runQuery<Record<string, unknown>[]>(this.#manager, sql, params);
    const row = rows[0] ?? {};
    const n = (key: string): number => Number(row[key] ?? 0);
    if (n('tasks') !== n('enrolled')) {
      throw new Error(
        `enroll: ${String(n('enrolled'))} enrollments but ${String(n('tasks'))} first tasks`,
      );
    }
    return {
      enrolled: n('enrolled'),
      skipped: {
        not_found: requested === null ? 0 : requested - n('candidates'),
        already_enrolled: n('already_enrolled'),
        no_email: n('no_email'),
        inactive_position: n('inactive_position'),
        unusable_email_status: n('unusable_email_status'),
        suppressed: n('suppressed'),
      },
    };
  }

  /**
   * The campaign positions are enrolled in: its status and its first step (lowest step order;
   * null without steps), or null when this organisation has no such campaign. The campaign row
   * is locked FOR SHARE until the transaction ends, so it cannot be archived or completed while
   * positions are being enrolled.
   */
  async enrollmentTarget(
    organisationId: OrganisationId,
    campaignId: string,
  ): Promise<{ status: CampaignStatus; firstStep: FirstStep | null } | null> {
    if (!isUuid(campaignId)) return null;
    const rows = await runQuery<
      { status: CampaignStatus; step_id: string | null; delay_days: number | null }[]
    >(
      this.#manager,
      `SELECT c.status, s.id AS step_id, s.delay_days
         FROM outreach.campaigns c
         LEFT JOIN LATERAL (
           SELECT w.id, w.delay_days FROM outreach.workflow_steps w
            WHERE w.organisation_id = c.organisation_id AND w.campaign_id = c.id
            ORDER BY w.step_order LIMIT 1
         ) s ON true
        WHERE c.organisation_id = $1 AND c.id = $2
        FOR SHARE OF c`,
      [organisationId, campaignId],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      status: row.status,
      firstStep:
        row.step_id === null ? null : { id: row.step_id, delayDays: Number(row.delay_days) },
    };
  }

  /** The enrollment of this campaign, or null (another campaign's or organisation's). */
  async find(
    organisationId: OrganisationId,
    campaignId: string,
    enrollmentId: string,
  ): Promise<CampaignEnrollment | null> {
    if (!isUuid(campaignId) || !isUuid(enrollmentId)) return null;
    const rows = await runQuery<Record<string, unknown>[]>(
      this.#manager,
      `SELECT * FROM outreach.campaign_enrollments
        WHERE organisation_id = $1 AND campaign_id = $2 AND id = $3 FOR UPDATE`,
      [organisationId, campaignId, enrollmentId],
    );
    return rows[0] ? this.#hydrate(rows[0]) : null;
  }

  /** Sets the status (active or paused) of this campaign's enrollment; null when not found. */
  async setStatus(
    organisationId: OrganisationId,
    campaignId: string,
    enrollmentId: string,
    status: 'active' | 'paused',
  ): Promise<CampaignEnrollment | null> {
    if (!isUuid(campaignId) || !isUuid(enrollmentId)) return null;
    const rows = await runQuery<[Record<string, unknown>[], number]>(
      this.#manager,
      `UPDATE outreach.campaign_enrollments SET status = $4
        WHERE organisation_id = $1 AND campaign_id = $2 AND id = $3 RETURNING *`,
      [organisationId, campaignId, enrollmentId, status],
    );
    const row = rows[0][0];
    return row ? this.#hydrate(row) : null;
  }

  /**
   * Ends this campaign's enrollment (status exited, the reason, now) and cancels its pending
   * tasks in the same statement. A task a worker holds (running) is left to the worker, which
   * re-reads the enrollment before sending. Null when not found.
   */
  async exit(
    organisationId: OrganisationId,
    campaignId: string,
    enrollmentId: string,
    reason: EnrollmentExitReason,
  ): Promise<{ enrollment: CampaignEnrollment; cancelledTasks: number } | null> {
    if (!isUuid(campaignId) || !isUuid(enrollmentId)) return null;
    const rows = await runQuery<Record<string, unknown>[]>(
      this.#manager,
      `WITH exited AS (
         UPDATE outreach.campaign_enrollments
            SET status = 'exited', exit_reason = $4, exited_at = now(), current_step_id = NULL
          WHERE organisation_id = $1 AND campaign_id = $2 AND id = $3
          RETURNING *
       ), cancelled AS (
         UPDATE outreach.tasks t SET status = 'cancelled'
           FROM exited x
          WHERE t.organisation_id = $1 AND t.campaign_id = $2 AND t.enrollment_id = x.id
            AND t.status = 'pending'
          RETURNING 1
       )
       SELECT x.*, (SELECT count(*) FROM cancelled)::int AS __cancelled FROM exited x`,
      [organisationId, campaignId, enrollmentId, reason],
    );
    const row = rows[0];
    if (!row) return null;
    return { enrollment: this.#hydrate(row), cancelledTasks: Number(row.__cancelled) };
  }

  #hydrate(row: Record<string, unknown>): CampaignEnrollment {
    return hydrateAs(this.#manager, CampaignEnrollment, row);
  }
}

function filterConditions(
  filter: EnrollmentFilter,
  param: (value: unknown, cast: string) => string,
): { position: string[]; company: string[] } {
  const position: string[] = [];
  const company: string[] = [];
  const list = <T extends string>(
    field: string,
    values: readonly T[] | undefined,
    check: (value: string) => boolean,
    what: string,
  ): readonly T[] | null => {
    if (values === undefined) return null;
    if (values.length === 0 || values.length > 1000) {
      throw invalid(field, `filter.${field} must list 1 to 1000 values`);
    }
    const bad = values.find((value) => typeof value !== 'string' || !check(value));
    if (bad !== undefined) throw invalid(field, `filter.${field}: ${bad} is not ${what}`);
    return values;
  };
  const companyIds = list('companyIds', filter.companyIds, isUuidText, 'a UUID');
  if (companyIds) position.push(`p.company_id = ANY(${param(companyIds, 'uuid[]')})`);
  const emailStatuses = list(
    'emailStatuses',
    filter.emailStatuses,
    (v) => (POSITION_EMAIL_STATUSES as readonly string[]).includes(v),
    `one of ${POSITION_EMAIL_STATUSES.join(', ')}`,
  );
  if (emailStatuses) position.push(`p.email_status = ANY(${param(emailStatuses, 'text[]')})`);
  if (filter.pharowListName !== undefined) {
    const name = filter.pharowListName;
    if (typeof name !== 'string' || name.length === 0 || name.length > 200) {
      throw invalid('pharowListName', 'filter.pharowListName must be 1 to 200 characters');
    }
    position.push(`p.pharow_list_name = ${param(name, 'text')}`);
  }
  const naf = list('nafCodes', filter.nafCodes, (v) => NAF_PREFIX.test(v), 'a NAF code or prefix');
  if (naf) {
    company.push(
      `c.naf_code LIKE ANY(${param(
        naf.map((code) => `${code}%`),
        'text[]',
      )})`,
    );
  }
  const cities = list('cities', filter.cities, (v) => v.trim() !== '' && v.length <= 100, 'a city');
  if (cities) {
    company.push(
      `lower(c.city) = ANY(${param(
        cities.map((c) => c.toLowerCase()),
        'text[]',
      )})`,
    );
  }
  const postal = list(
    'postalCodePrefixes',
    filter.postalCodePrefixes,
    (v) => POSTAL_PREFIX.test(v),
    'a postal code prefix (1 to 10 letters or digits)',
  );
  if (postal) {
    company.push(
      `c.postal_code LIKE ANY(${param(
        postal.map((p) => `${p}%`),
        'text[]',
      )})`,
    );
  }
  const ranges = list(
    'employeeRanges',
    filter.employeeRanges,
    (v) => (COMPANY_EMPLOYEE_RANGES as readonly string[]).includes(v),
    `one of ${COMPANY_EMPLOYEE_RANGES.join(', ')}`,
  );
  if (ranges) company.push(`c.employee_range = ANY(${param(ranges, 'text[]')})`);
  const countries = list(
    'countries',
    filter.countries,
    (v) => COUNTRY.test(v),
    'an ISO 3166-1 alpha-2 code',
  );
  if (countries) company.push(`c.country = ANY(${param(countries, 'text[]')})`);
  return { position, company };
}

/** isUuid without its type guard (a failed guard would narrow a string to never). */
function isUuidText(value: string): boolean {
  return isUuid(value);
}

/**
 * The CTEs `id_seed`, `numbered` and `eligible` (the classified candidates without a skip reason
 * in position id order, each with `enrollment_id` and `task_id`): time-ordered ids (see
 * time-ordered-ids.ts) numbered in position id order, one random tail for the enrollments and
 * one for the tasks.
 */
const TIME_ORDERED_IDS = `
      id_seed AS (
        SELECT ${timeOrderedIdSeed('enrollment_tail', 'task_tail')}
      ),
      numbered AS (
        SELECT k.id, row_number() OVER (ORDER BY k.id) AS n FROM classified k WHERE k.reason IS NULL
      ),
      eligible AS (
        SELECT k.id, (h.head || s.enrollment_tail)::uuid AS enrollment_id,
               (h.head || s.task_tail)::uuid AS task_id
          FROM numbered k
         CROSS JOIN id_seed s
         CROSS JOIN LATERAL (
           SELECT ${timeOrderedIdHead('k.n', 's')} AS head
         ) h
      )`;

function invalid(field: string, message: string): InvalidInputError {
  return new InvalidInputError('invalid_value', 'campaign_enrollments', field, message);
}
