import { setImmediate as nextTurn } from 'node:timers/promises';
import type { EntityManager } from 'typeorm';
import type { LegalBasis } from '../imports/import-values.js';
import type { OrganisationId } from '../organisation-id.js';
import { copyIn, runQuery } from './entity-rows.js';
import { domainsOf } from './suppression.repository.js';
import { timeOrderedIdHead, timeOrderedIdSeed } from './time-ordered-ids.js';

/** A validated, normalised import row (the shape @outreach/pharow's validateRow returns). */
export interface ProspectRecord {
  company: {
    pharowId: string | null;
    name: string;
    siren: string | null;
    nafCode: string | null;
    websiteUrl: string | null;
    domain: string | null;
    linkedinUrl: string | null;
    employeeRange: string | null;
    addressLine1: string | null;
    postalCode: string | null;
    city: string | null;
    country: string;
  };
  person: {
    pharowId: string | null;
    firstName: string | null;
    lastName: string | null;
    linkedinUrl: string | null;
    city: string | null;
  };
  position: {
    title: string | null;
    email: string;
    emailStatus: string;
    emailReliability: number | null;
    listName: string | null;
  };
}

/** One batch of an import's merge: rows `fromRow`..`throughRow`, the valid ones as records. */
export interface MergeBatch {
  importId: string;
  throughRow: number;
  records: readonly { rowNumber: number; record: ProspectRecord }[];
  /** Recorded on every created or changed position. */
  legalBasis: LegalBasis;
  /** The import's list name, for rows without one. */
  listName: string | null;
  /**
   * The batch's rows as COPY text, built ahead by `prepareMergeRows(records, listName)` (off the
   * transaction's critical path); used only when built from these very records and list name and
   * no row is left out as erased, else built here.
   */
  prepared?: PreparedMergeRows;
}

/** A batch's records as the COPY text of import_merge_rows (see `prepareMergeRows`). */
export interface PreparedMergeRows {
  readonly records: MergeBatch['records'];
  readonly listName: string | null;
  /** COPY text format, one line per record, the columns of import_merge_rows in order. */
  readonly copyText: string;
}

export interface EntityCounts {
  created: number;
  updated: number;
  unchanged: number;
}

/** What a batch did; `skipped` when the import had already merged past it (a re-run). */
export interface MergeResult {
  skipped: boolean;
  companies: EntityCounts;
  people: EntityCounts;
  positions: EntityCounts & { suppressed: number };
  /** Rows left out because their address was erased (a suppression with reason `erased`). */
  erased: number;
}

const ZERO: EntityCounts = { created: 0, updated: 0, unchanged: 0 };

/*
 * Companies: within the batch one row per identity key (Pharow id, else SIREN, else domain,
 * else name), the last row winning; each is matched against the organisation's companies by
 * Pharow id, then SIREN, then domain (a SIREN or domain match is refused when both sides carry
 * different Pharow ids / SIRENs); matched ones are updated only when a value changes (empty
 * cells keep what is stored), the others inserted. Each row's company id goes to the
 * transaction's import_merge_companies (read by the positions statement); returns the counts.
 *
 * Every row is matched before any is inserted: the statement's first output column reads all
 * of `matched` (the executor evaluates the sub-selects in order). Were the insert to pull the
 * matches one by one, each look-up would walk the index entries the statement had just
 * inserted (not visible to it, but there): on a first import, with the organisation's
 * statistics empty, the SIREN look-up served by companies_created_at_idx walked every company
 * inserted so far, per row (2 s for 5,000 companies).
 *
 * New companies, people and positions get time-ordered ids (time-ordered-ids.ts), numbered in
 * key order and inserted in that order: their index entries append to the indexes' last pages
 * and the positions' foreign-key checks read neighbouring entries. With random ids the 100,000-row
 * bench spent ~25 % more PostgreSQL CPU (16.7–18.6 s against 12.5–13.1 s, same machine).
 *
 * The oldest SIREN (and, for people, LinkedIn) match is `(array_agg(id ORDER BY created_at,
 * id))[1]`, not `ORDER BY … LIMIT 1`: with LIMIT the planner may walk the organisation's
 * created_at index and filter, which reads every company of the organisation for each new
 * SIREN (quadratic over an import) whenever its statistics are stale — as they are while an
 * import grows the table. The aggregate leaves it only the key's own index.
 */
const MERGE_COMPANIES = `
WITH src AS (
  SELECT row_number, company_pharow_id AS pharow_id, company_name AS name, siren, naf_code,
         website_url, domain, company_linkedin_url AS linkedin_url, employee_range, address_line1,
         postal_code, company_city AS city, country
    FROM import_merge_rows
),
keyed_all AS (
  SELECT s.*, coalesce('p:' || s.pharow_id, 's:' || s.siren, 'd:' || s.domain, 'n:' || lower(s.name)) AS key
    FROM src s
),
keyed AS (
  SELECT DISTINCT ON (key) * FROM keyed_all ORDER BY key, row_number DESC
),
-- citext equality is not leakproof, so under row-level security it cannot drive an index scan
-- of an RLS table: the domain match is a join, and e-mails match on crm.positions.email_key
-- (lower(email) as text, indexed; text equality is leakproof) with the key import_merge_rows
-- computes the same way (PostgreSQL's lower(), not JavaScript's: they differ for a few letters).
domain_match AS (
  SELECT DISTINCT ON (k.key) k.key, c.id
    FROM keyed k JOIN crm.companies c ON c.organisation_id = $1 AND c.domain = k.domain
   WHERE (c.pharow_company_id IS NULL OR k.pharow_id IS NULL) AND (c.siren IS NULL OR k.siren IS NULL)
   ORDER BY k.key, c.created_at, c.id
),
matched AS (
  SELECT k.*, (${timeOrderedIdHead('k.n', 's')} || s.tail)::uuid AS new_id, coalesce(
    (SELECT c.id FROM crm.companies c
      WHERE c.organisation_id = $1 AND c.pharow_company_id = k.pharow_id),
    (SELECT (array_agg(c.id ORDER BY c.created_at, c.id))[1] FROM crm.companies c
      WHERE c.organisation_id = $1 AND c.siren = k.siren
        AND (c.pharow_company_id IS NULL OR k.pharow_id IS NULL)),
    d.id
  ) AS existing_id
  FROM (SELECT *, row_number() OVER (ORDER BY key) AS n FROM keyed) k
  CROSS JOIN (SELECT ${timeOrderedIdSeed('tail')}) s
  LEFT JOIN domain_match d ON d.key = k.key
),
changes AS (
  SELECT DISTINCT ON (existing_id) * FROM matched WHERE existing_id IS NOT NULL
   ORDER BY existing_id, row_number DESC
),
upd AS (
  UPDATE crm.companies c SET
    name = m.name,
    pharow_company_id = coalesce(c.pharow_company_id, m.pharow_id),
    siren = coalesce(m.siren, c.siren),
    naf_code = coalesce(m.naf_code, c.naf_code),
    website_url = coalesce(m.website_url, c.website_url),
    domain = coalesce(m.domain, c.domain),
    linkedin_url = coalesce(m.linkedin_url, c.linkedin_url),
    employee_range = coalesce(m.employee_range, c.employee_range),
    address_line1 = coalesce(m.address_line1, c.address_line1),
    postal_code = coalesce(m.postal_code, c.postal_code),
    city = coalesce(m.city, c.city),
    country = CASE WHEN m.postal_code IS NULL THEN c.country ELSE m.country END
  FROM changes m
  WHERE c.organisation_id = $1 AND c.id = m.existing_id
    AND (c.name, c.pharow_company_id, c.siren, c.naf_code, c.website_url, c.domain, c.linkedin_url,
         c.employee_range, c.address_line1, c.postal_code, c.city, c.country)
    IS DISTINCT FROM
        (m.name, coalesce(c.pharow_company_id, m.pharow_id), coalesce(m.siren, c.siren),
         coalesce(m.naf_code, c.naf_code), coalesce(m.website_url, c.website_url),
         coalesce(m.domain, c.domain), coalesce(m.linkedin_url, c.linkedin_url),
         coalesce(m.employee_range, c.employee_range), coalesce(m.address_line1, c.address_line1),
         coalesce(m.postal_code, c.postal_code), coalesce(m.city, c.city),
         CASE WHEN m.postal_code IS NULL THEN c.country ELSE m.country END)
  RETURNING c.id
),
ins AS (
  INSERT INTO crm.companies
    (organisation_id, id, name, pharow_company_id, siren, naf_code, website_url, domain,
     linkedin_url, employee_range, address_line1, postal_code, city, country)
  SELECT $1, new_id, name, pharow_id, siren, naf_code, website_url, domain, linkedin_url,
         employee_range, address_line1, postal_code, city, country
    FROM matched WHERE existing_id IS NULL ORDER BY new_id
  RETURNING id
),
row_ids AS (
  INSERT INTO import_merge_companies (row_number, id)
  SELECT a.row_number, coalesce(m.existing_id, m.new_id) FROM keyed_all a JOIN matched m ON m.key = a.key
)
-- total first: its sub-select reads all of matched before ins starts inserting (see above).
SELECT (SELECT count(DISTINCT coalesce(existing_id, new_id)) FROM matched)::int AS total,
       (SELECT count(*) FROM ins)::int AS created,
       (SELECT count(*) FROM upd)::int AS updated`;

/*
 * People: one row per key (Pharow id, else LinkedIn URL, else the position's e-mail), matched
 * by Pharow id, then LinkedIn URL, then the person holding a position with that e-mail.
 * Each row's person id and whether this statement created it (`new`) go to the transaction's
 * import_merge_people; returns the counts.
 */
const MERGE_PEOPLE = `
WITH src AS (
  SELECT row_number, person_pharow_id AS pharow_id, first_name, last_name,
         person_linkedin_url AS linkedin_url, person_city AS city, email, email_key
    FROM import_merge_rows
),
keyed_all AS (
  SELECT s.*, coalesce('p:' || s.pharow_id, 'l:' || s.linkedin_url, 'e:' || lower(s.email)) AS key
    FROM src s
),
keyed AS (
  SELECT DISTINCT ON (key) * FROM keyed_all ORDER BY key, row_number DESC
),
email_match AS (
  SELECT k.key, (
    SELECT p.id FROM crm.positions x
      JOIN crm.people p ON p.organisation_id = x.organisation_id AND p.id = x.person_id
     WHERE x.organisation_id = $1 AND x.email_key = k.email_key
       AND (p.pharow_person_id IS NULL OR k.pharow_id IS NULL)
       AND (p.linkedin_url IS NULL OR k.linkedin_url IS NULL)
     LIMIT 1) AS id
    FROM keyed k
),
matched AS (
  SELECT k.*, (${timeOrderedIdHead('k.n', 's')} || s.tail)::uuid AS new_id, coalesce(
    (SELECT p.id FROM crm.people p
      WHERE p.organisation_id = $1 AND p.pharow_person_id = k.pharow_id),
    (SELECT (array_agg(p.id ORDER BY p.created_at, p.id))[1] FROM crm.people p
      WHERE p.organisation_id = $1 AND p.linkedin_url = k.linkedin_url
        AND (p.pharow_person_id IS NULL OR k.pharow_id IS NULL)),
    e.id
  ) AS existing_id
  FROM (SELECT *, row_number() OVER (ORDER BY key) AS n FROM keyed) k
  CROSS JOIN (SELECT ${timeOrderedIdSeed('tail')}) s
  LEFT JOIN email_match e ON e.key = k.key
),
changes AS (
  SELECT DISTINCT ON (existing_id) * FROM matched WHERE existing_id IS NOT NULL
   ORDER BY existing_id, row_number DESC
),
upd AS (
  UPDATE crm.people p SET
    first_name = coalesce(m.first_name, p.first_name),
    last_name = coalesce(m.last_name, p.last_name),
    pharow_person_id = coalesce(p.pharow_person_id, m.pharow_id),
    linkedin_url = coalesce(m.linkedin_url, p.linkedin_url),
    city = coalesce(m.city, p.city)
  FROM changes m
  WHERE p.organisation_id = $1 AND p.id = m.existing_id
    AND (p.first_name, p.last_name, p.pharow_person_id, p.linkedin_url, p.city)
    IS DISTINCT FROM
        (coalesce(m.first_name, p.first_name), coalesce(m.last_name, p.last_name),
         coalesce(p.pharow_person_id, m.pharow_id), coalesce(m.linkedin_url, p.linkedin_url),
         coalesce(m.city, p.city))
  RETURNING p.id
),
ins AS (
  INSERT INTO crm.people (organisation_id, id, first_name, last_name, pharow_person_id, linkedin_url, city)
  SELECT $1, new_id, first_name, last_name, pharow_id, linkedin_url, city
    FROM matched WHERE existing_id IS NULL ORDER BY new_id
  RETURNING id
),
row_ids AS (
  INSERT INTO import_merge_people (row_number, id, new)
  SELECT a.row_number, coalesce(m.existing_id, m.new_id), m.existing_id IS NULL
    FROM keyed_all a JOIN matched m ON m.key = a.key
)
-- total first: its sub-select reads all of matched before ins starts inserting (see above).
SELECT (SELECT count(DISTINCT coalesce(existing_id, new_id)) FROM matched)::int AS total,
       (SELECT count(*) FROM ins)::int AS created,
       (SELECT count(*) FROM upd)::int AS updated`;

/*
 * Positions: one row per e-mail, then per (person, company), the last row winning; matched by
 * e-mail, then by (person, company). A position matched by e-mail keeps its person and company.
 * Created or changed positions record the import ($2) and the legal basis ($3). An address or
 * domain on the suppression list is imported with status do_not_contact (flagged).
 * Each row's person and company come from the transaction's import_merge_people and
 * import_merge_companies (written by the two statements before).
 * A person created by this batch has no position yet, so the (person, company) lookup is skipped
 * for them (`new_person`): on a first import that lookup ran for every row, and with stale
 * statistics the planner served it from another organisation_id-led index plus a filter — a scan
 * of all the organisation's positions per row, the merge slowing as the positions grew.
 */
const MERGE_POSITIONS = `
WITH src AS (
  SELECT r.row_number, r.title, r.email, r.email_status, r.email_reliability, r.list_name,
         r.domains, r.email_key, p.id AS person_id, coalesce(p.new, false) AS new_person,
         c.id AS company_id
    FROM import_merge_rows r
    LEFT JOIN import_merge_people p ON p.row_number = r.row_number
    LEFT JOIN import_merge_companies c ON c.row_number = r.row_number
),
by_email AS (
  -- lower(email::text): what citext equality compares, sorted as text (a citext sort folds
  -- both sides on every comparison: the largest cost of this statement's set-up).
  SELECT DISTINCT ON (lower(email::text)) * FROM src ORDER BY lower(email::text), row_number DESC
),
by_pair AS (
  SELECT DISTINCT ON (person_id, company_id) * FROM by_email ORDER BY person_id, company_id, row_number DESC
),
email_match AS (
  SELECT b.row_number,
         (SELECT p.id FROM crm.positions p
           WHERE p.organisation_id = $1 AND p.email_key = b.email_key) AS id
    FROM by_pair b
),
suppressed_rows AS (
  SELECT b.row_number
    FROM by_pair b JOIN delivery.suppressions x
      ON x.organisation_id = $1 AND x.kind = 'email' AND x.value_key = b.email_key
  UNION
  SELECT d.row_number
    FROM (SELECT b.row_number, unnest(b.domains) AS domain FROM by_pair b) d
    JOIN delivery.suppressions x ON x.organisation_id = $1 AND x.kind = 'domain' AND x.value_key = lower(d.domain)
),
matched AS (
  SELECT b.*, (${timeOrderedIdHead('b.n', 'seed')} || seed.tail)::uuid AS new_id,
    s.row_number IS NOT NULL AS suppressed,
    coalesce(
      e.id,
      CASE WHEN NOT b.new_person THEN
        (SELECT p.id FROM crm.positions p
          WHERE p.organisation_id = $1 AND p.person_id = b.person_id AND p.company_id = b.company_id)
      END
    ) AS existing_id
  FROM (SELECT *, row_number() OVER (ORDER BY person_id, company_id) AS n FROM by_pair) b
  CROSS JOIN (SELECT ${timeOrderedIdSeed('tail')}) seed
  LEFT JOIN email_match e ON e.row_number = b.row_number
  LEFT JOIN (SELECT DISTINCT row_number FROM suppressed_rows) s ON s.row_number = b.row_number
),
changes AS (
  SELECT DISTINCT ON (existing_id) * FROM matched WHERE existing_id IS NOT NULL
   ORDER BY existing_id, row_number DESC
),
upd AS (
  UPDATE crm.positions p SET
    title = coalesce(m.title, p.title),
    email = m.email,
    email_status = m.email_status,
    email_reliability = coalesce(m.email_reliability, p.email_reliability),
    pharow_list_name = coalesce(m.list_name, p.pharow_list_name),
    status = CASE WHEN m.suppressed AND p.status = 'active' THEN 'do_not_contact' ELSE p.status END,
    legal_basis = coalesce(p.legal_basis, $3),
    source_import_id = $2
  FROM changes m
  WHERE p.organisation_id = $1 AND p.id = m.existing_id
    AND (p.title, p.email::text, p.email_status, p.email_reliability, p.pharow_list_name, p.status,
         p.legal_basis)
    IS DISTINCT FROM
        (coalesce(m.title, p.title), m.email::text, m.email_status,
         coalesce(m.email_reliability, p.email_reliability),
         coalesce(m.list_name, p.pharow_list_name),
         CASE WHEN m.suppressed AND p.status = 'active' THEN 'do_not_contact' ELSE p.status END,
         coalesce(p.legal_basis, $3))
  RETURNING p.id
),
ins AS (
  INSERT INTO crm.positions
    (organisation_id, id, person_id, company_id, title, email, email_status, email_reliability,
     status, pharow_list_name, source_import_id, legal_basis)
  SELECT $1, new_id, person_id, company_id, title, email, email_status, email_reliability,
         CASE WHEN suppressed THEN 'do_not_contact' ELSE 'active' END, list_name, $2, $3
    FROM matched WHERE existing_id IS NULL ORDER BY new_id
  RETURNING id
)
SELECT (SELECT count(*) FROM ins)::int AS created,
       (SELECT count(*) FROM upd)::int AS updated,
       (SELECT count(DISTINCT coalesce(existing_id::text, 'row:' || row_number)) FROM matched)::int AS total,
       (SELECT count(*) FROM matched WHERE suppressed)::int AS suppressed`;

/**
 * The batch's rows, COPYed in (see prepareMergeRows: COPY text parses ~7× faster than
 * json_to_recordset, which took ~15 % of a batch's PostgreSQL time), and each row's company
 * and person ids, from the companies and people statements to the positions statement without a
 * trip through the worker. Transaction-local (ON COMMIT DROP); no row-level security on
 * temporary tables, and none needed: they hold this transaction's rows of this organisation
 * only. With them, the batch's work_mem (SET LOCAL: this transaction only, safe behind
 * pgBouncer): the statements sort a batch's rows by key several times, a few megabytes each,
 * which the default 4 MB spills to disk. `email_key` is generated (COPY leaves it out) by the
 * same expression as crm.positions.email_key's, so that rows match stored positions exactly as
 * the table's unique key compares them.
 */
const CREATE_MERGE_TABLES = `
  SET LOCAL work_mem = '64MB';
  CREATE TEMPORARY TABLE import_merge_rows (
    row_number integer NOT NULL,
    company_pharow_id text, company_name text, siren text, naf_code text, website_url text,
    domain citext, company_linkedin_url text, employee_range text, address_line1 text,
    postal_code text, company_city text, country text,
    person_pharow_id text, first_name text, last_name text, person_linkedin_url text,
    person_city text,
    title text, email citext, email_status text, email_reliability smallint,
    list_name text, domains text[],
    email_key text GENERATED ALWAYS AS (lower(email::text)) STORED
  ) ON COMMIT DROP;
  CREATE TEMPORARY TABLE import_merge_companies (row_number integer PRIMARY KEY, id uuid NOT NULL)
    ON COMMIT DROP;
  CREATE TEMPORARY TABLE import_merge_people (row_number integer PRIMARY KEY, id uuid NOT NULL, new boolean NOT NULL)
    ON COMMIT DROP`;

const RECORD_PROGRESS = `
UPDATE imports.imports SET
  rows_merged = $3, rows_erased = rows_erased + $4,
  companies_created = companies_created + $5, companies_updated = companies_updated + $6,
  companies_unchanged = companies_unchanged + $7,
  people_created = people_created + $8, people_updated = people_updated + $9,
  people_unchanged = people_unchanged + $10,
  positions_created = positions_created + $11, positions_updated = positions_updated + $12,
  positions_unchanged = positions_unchanged + $13, positions_suppressed = positions_suppressed + $14
WHERE organisation_id = $1 AND id = $2`;

interface CountRow {
  created: number;
  updated: number;
  total: number;
}

/** Records encoded per turn of the event loop by prepareMergeRows (a few milliseconds each). */
const PREPARE_SLICE_ROWS = 250;

/** A value in COPY's text format: \N for null, backslash, tab, newline and return escaped. */
function copyValue(value: string | number | null): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  return /[\\\t\n\r]/.test(value)
    ? value.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c] ?? c)
    : value;
}

const COPY_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  '\t': '\\t',
  '\n': '\\n',
  '\r': '\\r',
};

/** A text[] literal ({"a","b"}), each element quoted with its quotes and backslashes escaped. */
function arrayLiteral(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}

/**
 * The COPY text of import_merge_rows for `records`, encoded a slice at a time between turns of
 * the event loop (the worker builds it while the previous batch merges, and passes it as
 * `MergeBatch.prepared`).
 */
export async function prepareMergeRows(
  records: MergeBatch['records'],
  listName: string | null,
): Promise<PreparedMergeRows> {
  const slices: string[] = [];
  for (let start = 0; start < records.length; start += PREPARE_SLICE_ROWS) {
    if (start > 0) await nextTurn();
    let text = '';
    for (const { rowNumber, record } of records.slice(start, start + PREPARE_SLICE_ROWS)) {
      const { company: c, person: p, position: x } = record;
      text += `${[
        rowNumber,
        c.pharowId,
        c.name,
        c.siren,
        c.nafCode,
        c.websiteUrl,
        c.domain,
        c.linkedinUrl,
        c.employeeRange,
        c.addressLine1,
        c.postalCode,
        c.city,
        c.country,
        p.pharowId,
        p.firstName,
        p.lastName,
        p.linkedinUrl,
        p.city,
        x.title,
        x.email,
        x.emailStatus,
        x.emailReliability,
        x.listName ?? listName,
        arrayLiteral(domainsOf(x.email)),
      ]
        .map(copyValue)
        .join('\t')}\n`;
    }
    slices.push(text);
  }
  return { records, listName, copyText: slices.join('') };
}

/**
 * Merges validated import rows into crm (companies, people, positions), set-based: a handful of
 * statements per batch whatever its size, idempotent (re-merging the same rows changes nothing
 * and counts them unchanged). Call `mergeBatch` inside one tenant transaction per batch: it
 * locks the import, skips a batch already merged (rows_merged ≥ throughRow), and records the
 * progress and counts in the same transaction, so a worker killed mid-import resumes from the
 * last committed batch without duplicates.
 */
export class ProspectMergeRepository {
  readonly #manager: EntityManager;

  constructor(manager: EntityManager) {
    this.#manager = manager;
  }

  async mergeBatch(organisationId: OrganisationId, batch: MergeBatch): Promise<MergeResult> {
    const locked = await runQuery<{ rows_merged: number }[]>(
      this.#manager,
      'SELECT rows_merged FROM imports.imports WHERE organisation_id = $1 AND id = $2 FOR NO KEY UPDATE',
      [organisationId, batch.importId],
    );
    const current = locked[0];
    if (!current) throw new Error(`import ${batch.importId} not found`);
    if (current.rows_merged >= batch.throughRow) {
      return {
        skipped: true,
        companies: ZERO,
        people: ZERO,
        positions: { ...ZERO, suppressed: 0 },
        erased: 0,
      };
    }
    const merged = await this.mergeRows(organisationId, batch);
    await this.recordProgress(organisationId, batch.importId, batch.throughRow, merged);
    return merged;
  }

  /**
   * The merge statements of `mergeBatch` alone: no lock on the import, no progress recorded
   * (the caller records it with `recordProgress` in the same transaction, after checking the
   * import's progress itself). Lets an import merge two batches at once (each in a transaction
   * of its own) when they share no merge key (`mergeKeys`).
   */
  async mergeRows(
    organisationId: OrganisationId,
    batch: Omit<MergeBatch, 'throughRow'>,
  ): Promise<MergeResult> {
    // The batch's addresses that name an erased person, as written in the batch: PostgreSQL
    // folds them (lower(), as it folded value_key), not JavaScript, whose folding differs.
    const erasedRows = await runQuery<{ email: string }[]>(
      this.#manager,
      `SELECT DISTINCT a AS email FROM unnest($2::text[]) AS a
        WHERE EXISTS (SELECT 1 FROM delivery.suppressions s
                       WHERE s.organisation_id = $1 AND s.kind = 'email' AND s.reason = 'erased'
                         AND s.value_key = lower(a))`,
      [organisationId, batch.records.map((r) => r.record.position.email)],
    );
    const erased = new Set(erasedRows.map((row) => row.email));
    const records = batch.records.filter((r) => !erased.has(r.record.position.email));
    const erasedCount = batch.records.length - records.length;

    let companies = ZERO;
    let people = ZERO;
    let positions = { ...ZERO, suppressed: 0 };
    if (records.length > 0) {
      const { prepared } = batch;
      const payload =
        prepared &&
        erasedCount === 0 &&
        prepared.records === batch.records &&
        prepared.listName === batch.listName
          ? prepared
          : await prepareMergeRows(records, batch.listName);
      await runQuery(this.#manager, CREATE_MERGE_TABLES, []);
      await copyIn(
        this.#manager,
        'COPY import_merge_rows FROM STDIN',
        [payload.copyText],
        'mergeBatch',
      );
      // The positions statement reads the ids the two before it wrote.
      const companyRows = await runQuery<CountRow[]>(this.#manager, MERGE_COMPANIES, [
        organisationId,
      ]);
      const personRows = await runQuery<CountRow[]>(this.#manager, MERGE_PEOPLE, [organisationId]);
      const positionRows = await runQuery<
        { created: number; updated: number; total: number; suppressed: number }[]
      >(this.#manager, MERGE_POSITIONS, [organisationId, batch.importId, batch.legalBasis]);
      await runQuery(
        this.#manager,
        'DROP TABLE import_merge_rows, import_merge_companies, import_merge_people',
        [],
      );
      companies = countsOf(companyRows[0]);
      people = countsOf(personRows[0]);
      const p = positionRows[0];
      positions = p ? { ...countsOf(p), suppressed: p.suppressed } : { ...ZERO, suppressed: 0 };
    }
    return { skipped: false, companies, people, positions, erased: erasedCount };
  }

  /** Records a merged batch: rows_merged = `throughRow`, its counts added to the import's. */
  async recordProgress(
    organisationId: OrganisationId,
    importId: string,
    throughRow: number,
    merged: MergeResult,
  ): Promise<void> {
    const { companies, people, positions } = merged;
    await runQuery(this.#manager, RECORD_PROGRESS, [
      organisationId,
      importId,
      throughRow,
      merged.erased,
      companies.created,
      companies.updated,
      companies.unchanged,
      people.created,
      people.updated,
      people.unchanged,
      positions.created,
      positions.updated,
      positions.unchanged,
      positions.suppressed,
    ]);
  }
}

/**
 * The values the merge statements match rows on, each prefixed by what it is: companies by
 * Pharow id, SIREN and domain, people by Pharow id and LinkedIn URL, people and positions by
 * e-mail (lower-cased: domains and e-mails are citext; other values as they are — equal in
 * PostgreSQL implies equal here). Two batches that share none of them merge the same whether
 * one runs first or both at once: neither can match, update or collide with a row the other
 * creates. Rows that match on nothing (a company with only a name) are always created anew,
 * in either order. JavaScript's toLowerCase folds a few letters otherwise than PostgreSQL's
 * lower() (`İ`): two spellings of one address in two batches may then run at once, and the
 * second to insert it fails on crm.positions' unique key — a conflict the import retries once
 * the other batch has committed, when the merge (which folds in PostgreSQL) matches it.
 */
export function mergeKeys(records: MergeBatch['records']): Set<string> {
  const keys = new Set<string>();
  for (const { record } of records) {
    const { company, person, position } = record;
    if (company.pharowId !== null) keys.add(`company:${company.pharowId}`);
    if (company.siren !== null) keys.add(`siren:${company.siren}`);
    if (company.domain !== null) keys.add(`domain:${company.domain.toLowerCase()}`);
    if (person.pharowId !== null) keys.add(`person:${person.pharowId}`);
    if (person.linkedinUrl !== null) keys.add(`linkedin:${person.linkedinUrl}`);
    keys.add(`email:${position.email.toLowerCase()}`);
  }
  return keys;
}

/** Whether two sets of `mergeKeys` share a key. */
export function sharesMergeKeys(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const key of small) if (large.has(key)) return true;
  return false;
}

function countsOf(
  row: { created: number; updated: number; total: number } | undefined,
): EntityCounts {
  if (!row) return ZERO;
  return {
    created: row.created,
    updated: row.updated,
    unchanged: row.total - row.created - row.updated,
  };
}
