import { Inject, Injectable } from '@nestjs/common';
import { asOrganisationId, runInTenantTransaction, type MembershipStatus } from '@outreach/db';
import type { DataSource } from 'typeorm';
import { isOrganisationRole, type OrganisationRole } from '../permissions/permissions.js';
import { TENANCY_OPTIONS, type TenancyOptions } from '../tenancy.options.js';

export interface Membership {
  role: OrganisationRole;
  status: MembershipStatus;
}

/**
 * Looks a membership up under row-level security: a short transaction with
 * `app.organisation_id` set to the requested organisation (organisation_users is scoped by
 * organisation), so it needs no privileged function. Never cached: a removed or demoted member
 * loses access on the next request.
 */
@Injectable()
export class MembershipResolver {
  private readonly dataSource: DataSource;

  constructor(@Inject(TENANCY_OPTIONS) options: TenancyOptions) {
    this.dataSource = options.dataSource;
  }

  async find(organisationId: string, userId: string): Promise<Membership | null> {
    const rows: { role: string; status: MembershipStatus }[] = await runInTenantTransaction(
      this.dataSource,
      asOrganisationId(organisationId),
      (manager) =>
        manager.query(
          `SELECT role, status FROM iam.organisation_users
            WHERE organisation_id = $1 AND user_id = $2`,
          [organisationId, userId],
        ),
    );
    const row = rows[0];
    if (!row) return null;
    if (!isOrganisationRole(row.role)) throw new Error(`unknown organisation role ${row.role}`);
    return { role: row.role, status: row.status };
  }
}
