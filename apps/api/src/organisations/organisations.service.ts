import { randomUUID } from 'node:crypto';
import { Injectable, NotFoundException } from '@nestjs/common';
import { asOrganisationId, type Organisation } from '@outreach/db';
import { SystemDatabase } from '@outreach/db/system';
import { getTenantContext, TenantDatabase, type TenantContext } from '@outreach/tenancy';
import type { AuthenticatedUser } from '@outreach/tenancy/http';
import type { CreateOrganisationDto } from './dto/create-organisation.dto.js';
import type { UpdateOrganisationDto } from './dto/update-organisation.dto.js';
import type { OrganisationView } from './organisation.view.js';

@Injectable()
export class OrganisationsService {
  constructor(
    private readonly database: TenantDatabase,
    private readonly system: SystemDatabase,
  ) {}

  /**
   * The id is chosen here so that the RLS setting can name the new organisation before it
   * exists: organisation and owner membership are inserted in one tenant transaction.
   */
  create(user: AuthenticatedUser, body: CreateOrganisationDto): Promise<OrganisationView> {
    const context: TenantContext = {
      organisationId: asOrganisationId(randomUUID()),
      userId: user.userId,
      role: 'owner',
    };
    return this.database.transactionFor(context, async ({ organisationId, repositories }) => {
      const organisation = await repositories.organisations.create(organisationId, {
        name: body.name,
        ...(body.slug === undefined ? {} : { slug: body.slug }),
      });
      await repositories.memberships.add(organisationId, user.userId, 'owner');
      return view(organisation, 'owner');
    });
  }

  /**
   * The caller's active memberships, with their role, by name. The memberships come from the
   * system path (no organisation is chosen yet, so row-level security would show none); each
   * organisation is then read in its own tenant transaction, under RLS like any other read.
   */
  async listMine(user: AuthenticatedUser): Promise<OrganisationView[]> {
    const memberships = await this.system.listUserMemberships(user.userId);
    const active = memberships.filter((membership) => membership.status === 'active');
    // One short transaction per organisation, one after the other: a user with many
    // memberships never holds more than one pooled connection for this list.
    const views: OrganisationView[] = [];
    for (const membership of active) {
      const organisation = await this.database.transactionFor(
        { organisationId: membership.organisationId, userId: user.userId, role: membership.role },
        ({ organisationId, repositories }) => repositories.organisations.find(organisationId),
      );
      if (organisation) views.push(view(organisation, membership.role));
    }
    return views.sort((a, b) => a.name.localeCompare(b.name, 'fr') || a.id.localeCompare(b.id));
  }

  async get(): Promise<OrganisationView> {
    const { organisationId, role } = this.context();
    return view(found(await this.database.repositories().organisations.find(organisationId)), role);
  }

  async update(body: UpdateOrganisationDto): Promise<OrganisationView> {
    const { organisationId, role } = this.context();
    const organisation = await this.database.repositories().organisations.update(organisationId, {
      ...(body.name === undefined ? {} : { name: body.name }),
      ...(body.slug === undefined ? {} : { slug: body.slug }),
      ...(body.trackOpens === undefined ? {} : { trackOpens: body.trackOpens }),
    });
    return view(found(organisation), role);
  }

  private context(): TenantContext {
    return getTenantContext();
  }
}

function found(organisation: Organisation | null): Organisation {
  // The guard found a membership in this transaction's organisation: the row is there.
  if (!organisation) throw new NotFoundException('organisation not found');
  return organisation;
}

function view(organisation: Organisation, role: OrganisationView['role']): OrganisationView {
  return {
    id: organisation.id,
    name: organisation.name,
    slug: organisation.slug,
    trackOpens: organisation.trackOpens,
    role,
    createdAt: organisation.createdAt,
    updatedAt: organisation.updatedAt,
  };
}
