import {
  ConflictException,
  ForbiddenException,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { getTenantContext, TenantDatabase, type OrganisationRole } from '@outreach/tenancy';
import type { EntityManager } from 'typeorm';
import type { AddMemberDto } from './dto/add-member.dto.js';
import type { MemberView } from './member.view.js';

interface MemberRow {
  user_id: string;
  email: string;
  first_name: string | null;
  last_name: string | null;
  role: MemberView['role'];
  status: MemberView['status'];
  created_at: Date;
  updated_at: Date;
}

const SELECT_MEMBERS = `
  SELECT m.user_id, u.email, u.first_name, u.last_name, m.role, m.status, m.created_at, m.updated_at
    FROM iam.organisation_users m JOIN iam.users u ON u.id = m.user_id
   WHERE m.organisation_id = $1`;

/**
 * Memberships of the current organisation. Adding by e-mail creates the `iam.users` row when the
 * address is unknown (the person signs in later through the identity provider with that e-mail)
 * and the membership is active at once. Only an owner may grant or take the owner role, and the
 * last active owner can be neither demoted nor removed (409): the owner rows are locked first,
 * so two concurrent changes cannot both pass the check.
 */
@Injectable()
export class MembersService {
  constructor(private readonly database: TenantDatabase) {}

  async list(): Promise<MemberView[]> {
    const rows: MemberRow[] = await this.manager().query(
      `${SELECT_MEMBERS} ORDER BY m.created_at, m.user_id`,
      [getTenantContext().organisationId],
    );
    return rows.map(view);
  }

  async add(body: AddMemberDto): Promise<MemberView> {
    const { organisationId } = getTenantContext();
    const role = body.role ?? 'member';
    this.assertMayAssign(role);
    const manager = this.manager();
    const users: { id: string }[] = await manager.query(
      `INSERT INTO iam.users (email) VALUES ($1)
       ON CONFLICT (email) DO UPDATE SET email = iam.users.email
       RETURNING id`,
      [body.email],
    );
    const userId = users[0]?.id;
    const inserted: { user_id: string }[] = await manager.query(
      `INSERT INTO iam.organisation_users (organisation_id, user_id, role, status)
       VALUES ($1, $2, $3, 'active') ON CONFLICT DO NOTHING RETURNING user_id`,
      [organisationId, userId, role],
    );
    if (inserted.length === 0) {
      throw new ConflictException(`${body.email} is already a member of this organisation`);
    }
    return this.get(manager, organisationId, userId ?? '');
  }

  async changeRole(userId: string, role: OrganisationRole): Promise<MemberView> {
    const { organisationId } = getTenantContext();
    const manager = this.manager();
    const current = await this.get(manager, organisationId, userId);
    if (current.role === 'owner' || role === 'owner') this.assertMayAssign('owner');
    if (current.role === 'owner' && role !== 'owner') {
      await this.assertNotLastOwner(manager, organisationId, userId, 'demoted');
    }
    await manager.query(
      `UPDATE iam.organisation_users SET role = $3 WHERE organisation_id = $1 AND user_id = $2`,
      [organisationId, userId, role],
    );
    return this.get(manager, organisationId, userId);
  }

  async remove(userId: string): Promise<void> {
    const { organisationId } = getTenantContext();
    const manager = this.manager();
    const current = await this.get(manager, organisationId, userId);
    if (current.role === 'owner') {
      this.assertMayAssign('owner');
      await this.assertNotLastOwner(manager, organisationId, userId, 'removed');
    }
    await manager.query(
      `DELETE FROM iam.organisation_users WHERE organisation_id = $1 AND user_id = $2`,
      [organisationId, userId],
    );
  }

  private async get(
    manager: EntityManager,
    organisationId: string,
    userId: string,
  ): Promise<MemberView> {
    const rows: MemberRow[] = await manager.query(`${SELECT_MEMBERS} AND m.user_id = $2`, [
      organisationId,
      userId,
    ]);
    const row = rows[0];
    if (!row) throw new NotFoundException('member not found');
    return view(row);
  }

  /** Only owners hand out or take away the owner role. */
  private assertMayAssign(role: OrganisationRole): void {
    const caller = getTenantContext().role;
    if (role === 'owner' && caller !== 'owner') {
      throw new ForbiddenException('only an owner can grant, change or remove the owner role');
    }
  }

  private async assertNotLastOwner(
    manager: EntityManager,
    organisationId: string,
    userId: string,
    action: string,
  ): Promise<void> {
    const owners: { user_id: string }[] = await manager.query(
      `SELECT user_id FROM iam.organisation_users
        WHERE organisation_id = $1 AND role = 'owner' AND status = 'active'
        ORDER BY user_id FOR UPDATE`,
      [organisationId],
    );
    if (owners.every((owner) => owner.user_id === userId)) {
      throw new ConflictException(
        `the last owner cannot be ${action}: make another member owner first`,
      );
    }
  }

  private manager(): EntityManager {
    return this.database.manager();
  }
}

function view(row: MemberRow): MemberView {
  return {
    userId: row.user_id,
    email: row.email,
    firstName: row.first_name,
    lastName: row.last_name,
    role: row.role,
    status: row.status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
