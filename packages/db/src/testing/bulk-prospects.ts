import type { DataSource } from 'typeorm';
import type { OrganisationId } from '../organisation-id.js';
import { runQuery } from '../repositories/entity-rows.js';
import { runInTenantTransaction } from '../tenant-transaction.js';

export interface BulkProspectsOptions {
  /** Positions to create (one person each). */
  positions: number;
  /** Companies they are spread over (round robin). */
  companies: number;
  /** pharow_list_name of every position. */
  pharowListName: string;
}

/**
 * Benches and load tests only: `companies` companies, then `positions` people and their
 * positions (valid e-mail `p<n>@c<k>.bench.example`, the given Pharow list), set-based
 * (INSERT … SELECT generate_series), in one tenant transaction of the organisation: seconds for
 * 100,000 rows where one insert per row through the api would take minutes.
 */
export async function seedBulkProspects(
  dataSource: DataSource,
  organisationId: OrganisationId,
  options: BulkProspectsOptions,
): Promise<void> {
  await runInTenantTransaction(dataSource, organisationId, async (manager) => {
    await runQuery(
      manager,
      `INSERT INTO crm.companies (organisation_id, id, name, naf_code, city, postal_code, employee_range)
       SELECT $1, gen_random_uuid(), 'Bench company ' || k, '62.01Z', 'Paris',
              '750' || lpad((k % 20 + 1)::text, 2, '0'), '10-19'
         FROM generate_series(1, $2::int) AS k`,
      [organisationId, options.companies],
    );
    await runQuery(
      manager,
      `WITH companies AS (
         SELECT id, row_number() OVER (ORDER BY id) - 1 AS k, count(*) OVER () AS n
           FROM crm.companies WHERE organisation_id = $1
       ), people AS (
         INSERT INTO crm.people (organisation_id, id, first_name, last_name)
         SELECT $1, gen_random_uuid(), 'Prénom', 'Nom ' || i FROM generate_series(1, $2::int) AS i
         RETURNING id
       ), numbered AS (
         SELECT id, row_number() OVER () AS i FROM people
       )
       INSERT INTO crm.positions
              (organisation_id, id, person_id, company_id, title, email, email_status, pharow_list_name)
       SELECT $1, gen_random_uuid(), p.id, c.id, 'Dirigeant',
              'p' || p.i || '@c' || c.k || '.bench.example', 'valid', $3
         FROM numbered p JOIN companies c ON c.k = p.i % c.n`,
      [organisationId, options.positions, options.pharowListName],
    );
  });
}
