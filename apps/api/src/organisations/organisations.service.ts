import { randomUUID } from 'node:crypto';
import { Injectable, NotFoundException } from '@nestjs/common';
import {
  getTenantContext,
  TenantDatabase,
  type AuthenticatedUser,
  type TenantContext,
} from '@outreach/tenancy';
import type { EntityManager } from 'typeorm';
import type { CreateOrganisationDto } from './dto/create-organisation.dto.js';
import type { UpdateOrganisationDto } from './dto/update-organisation.dto.js';
import type { OrganisationView } from './organisation.view.js';

interface OrganisationRow {
  id: string;
  name: string;
  slug: string;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'id, name, slug, created_at, updated_at';

@Injectable()
export class OrganisationsService {
  constructor(private readonly database: TenantDatabase) {}

  /**
   * The id is chosen here so that the RLS setting can name the new organisation before it
   * exists: organisation and owner membership are inserted in one tenant transaction.
   */
  create(user: AuthenticatedUser, body: CreateOrganisationDto): Promise<OrganisationView> {
    const context: TenantContext = {
      organisationId: randomUUID(),
      userId: user.userId,
      role: 'owner',
    };
    return this.database.transactionFor(context, async (manager) => {
      const rows: OrganisationRow[] = await manager.query(
        `INSERT INTO iam.organisations (id, name, slug) VALUES ($1, $2, $3) RETURNING ${COLUMNS}`,
        [context.organisationId, body.name, body.slug ?? null],
      );
      await manager.query(
        `INSERT INTO iam.organisation_users (organisation_id, user_id, role, status)
         VALUES ($1, $2, 'owner', 'active')`,
        [context.organisationId, user.userId],
      );
      return view(first(rows), 'owner');
    });
  }

  async get(): Promise<OrganisationView> {
    const { organisationId, role } = getTenantContext();
    const rows: OrganisationRow[] = await this.manager().query(
      `SELECT ${COLUMNS} FROM iam.organisations WHERE id = $1`,
      [organisationId],
    );
    return view(first(rows), role);
  }

  async update(body: UpdateOrganisationDto): Promise<OrganisationView> {
    const { organisationId, role } = getTenantContext();
    const rows: [OrganisationRow[], number] = await this.manager().query(
      `UPDATE iam.organisations SET name = coalesce($2, name), slug = coalesce($3, slug)
        WHERE id = $1 RETURNING ${COLUMNS}`,
      [organisationId, body.name ?? null, body.slug ?? null],
    );
    return view(first(rows[0]), role);
  }

  private manager(): EntityManager {
    return this.database.manager();
  }
}

function first(rows: OrganisationRow[]): OrganisationRow {
  const row = rows[0];
  // The guard found a membership in this transaction's organisation: the row is there.
  if (!row) throw new NotFoundException('organisation not found');
  return row;
}

function view(row: OrganisationRow, role: OrganisationView['role']): OrganisationView {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    role,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
