import {
  ConflictException,
  ForbiddenException,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import type { MemberRecord, OrganisationId } from '@outreach/db';
import { getTenantContext, TenantDatabase, type OrganisationRole } from '@outreach/tenancy';
import type { AddMemberDto } from './dto/add-member.dto.js';
import type { MemberView } from './member.view.js';

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

  list(): Promise<MemberView[]> {
    return this.members().list(this.database.organisationId());
  }

  async add(body: AddMemberDto): Promise<MemberView> {
    const organisationId = this.database.organisationId();
    const role = body.role ?? 'member';
    this.assertMayAssign(role);
    const user = await this.database.repositories().users.findOrCreate({ email: body.email });
    if (!(await this.members().add(organisationId, user.id, role))) {
      throw new ConflictException(`${body.email} is already a member of this organisation`);
    }
    return this.get(organisationId, user.id);
  }

  async changeRole(userId: string, role: OrganisationRole): Promise<MemberView> {
    const organisationId = this.database.organisationId();
    const current = await this.get(organisationId, userId);
    if (current.role === 'owner' || role === 'owner') this.assertMayAssign('owner');
    if (current.role === 'owner' && role !== 'owner') {
      await this.assertNotLastOwner(organisationId, userId, 'demoted');
    }
    await this.members().changeRole(organisationId, userId, role);
    return this.get(organisationId, userId);
  }

  async remove(userId: string): Promise<void> {
    const organisationId = this.database.organisationId();
    const current = await this.get(organisationId, userId);
    if (current.role === 'owner') {
      this.assertMayAssign('owner');
      await this.assertNotLastOwner(organisationId, userId, 'removed');
    }
    await this.members().remove(organisationId, userId);
  }

  private async get(organisationId: OrganisationId, userId: string): Promise<MemberRecord> {
    const member = await this.members().get(organisationId, userId);
    if (!member) throw new NotFoundException('member not found');
    return member;
  }

  /** Only owners hand out or take away the owner role. */
  private assertMayAssign(role: OrganisationRole): void {
    const caller = getTenantContext().role;
    if (role === 'owner' && caller !== 'owner') {
      throw new ForbiddenException('only an owner can grant, change or remove the owner role');
    }
  }

  private async assertNotLastOwner(
    organisationId: OrganisationId,
    userId: string,
    action: string,
  ): Promise<void> {
    const owners = await this.members().lockActiveOwners(organisationId);
    if (owners.every((owner) => owner === userId)) {
      throw new ConflictException(
        `the last owner cannot be ${action}: make another member owner first`,
      );
    }
  }

  private members() {
    return this.database.repositories().memberships;
  }
}
