import { NotFoundException } from '@nestjs/common';
import type {
  CreateInput,
  ListOptions,
  OrganisationId,
  OrganisationOwned,
  OrganisationScopedRepository,
  Page,
  Repositories,
  UpdateInput,
} from '@outreach/db';
import type { TenantDatabase } from '@outreach/tenancy';

/**
 * CRUD over one tenant table for the organisation of the current request: the organisation
 * comes from the tenant context (never from the caller's body), and every statement runs in the
 * request's RLS transaction through packages/db's organisation-scoped repository.
 */
export class TenantCrudService<
  E extends OrganisationOwned,
  K extends keyof E & string,
  S extends string,
  F extends keyof E & string,
> {
  constructor(
    private readonly database: TenantDatabase,
    private readonly pick: (repositories: Repositories) => OrganisationScopedRepository<E, K, S, F>,
    private readonly noun: string,
  ) {}

  async get(id: E[K]): Promise<E> {
    const row = await this.repository().find(this.organisation(), id);
    if (!row) throw this.notFound();
    return row;
  }

  list(options: ListOptions<E, S, F>): Promise<Page<E>> {
    return this.repository().list(this.organisation(), options);
  }

  create(data: CreateInput<E>): Promise<E> {
    return this.repository().create(this.organisation(), data);
  }

  async update(id: E[K], patch: UpdateInput<E, K>): Promise<E> {
    const row = await this.repository().update(this.organisation(), id, patch);
    if (!row) throw this.notFound();
    return row;
  }

  /** `_query`: the DELETE route's query, when the controller declares one (deleteQuery). */
  async remove(id: E[K], _query?: object): Promise<void> {
    if (!(await this.repository().delete(this.organisation(), id))) throw this.notFound();
  }

  private repository(): OrganisationScopedRepository<E, K, S, F> {
    return this.pick(this.database.repositories());
  }

  private organisation(): OrganisationId {
    return this.database.organisationId();
  }

  private notFound(): NotFoundException {
    return new NotFoundException(`${this.noun} not found`);
  }
}
