import type { EntityManager, EntityMetadata } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata.js';
import { Organisation } from '../iam/organisation.entity.js';
import { isUuid, type OrganisationId } from '../organisation-id.js';
import type { OpeningRead } from '../tenant-transaction.js';
import { validateInput } from '../validation/input.validator.js';
import { deleteRow, findRow, insertRow, updateRow } from './entity-rows.js';

export interface OrganisationInput {
  name: string;
  /** Derived from the name (unique, `-2`, `-3`… on collisions) when left out. */
  slug?: string;
  /** Open tracking for the whole organisation (default true). */
  trackOpens?: boolean;
}

/**
 * iam.organisations: the tenant row itself, addressed by its own id (the organisation IS the
 * scope). Creating one runs in a tenant transaction for the new id (row-level security).
 */
export class OrganisationRepository {
  readonly #manager: EntityManager;
  readonly #metadata: EntityMetadata;
  readonly #id: ColumnMetadata;

  constructor(manager: EntityManager) {
    this.#manager = manager;
    this.#metadata = manager.dataSource.getMetadata(Organisation);
    const id = this.#metadata.findColumnWithPropertyName('id');
    if (!id) throw new Error('iam.organisations has no id column');
    this.#id = id;
  }

  async find(organisationId: OrganisationId): Promise<Organisation | null> {
    return findRow(this.#manager, Organisation, [[this.#id, organisationId]]);
  }

  /**
   * Whether the organisation exists (visible in its own tenant context), as a read for
   * runTenantStatement or a transaction's opening round trip: a tenant job's first check costs
   * one round trip. Simple protocol: the organisation id, a validated UUID, is a literal.
   */
  static existsLookup(organisationId: OrganisationId): OpeningRead<boolean> {
    if (!isUuid(organisationId)) throw new Error('existsLookup needs a validated organisation id');
    return {
      sql: `SELECT EXISTS (SELECT FROM iam.organisations WHERE id = '${organisationId}'::uuid) AS found`,
      read: (rows) => rows[0]?.found === true,
    };
  }

  async create(organisationId: OrganisationId, data: OrganisationInput): Promise<Organisation> {
    const pairs = validateInput(this.#metadata, {
      name: data.name,
      slug: data.slug,
      trackOpens: data.trackOpens,
    });
    return insertRow(this.#manager, Organisation, [[this.#id, organisationId], ...pairs]);
  }

  async update(
    organisationId: OrganisationId,
    patch: Partial<OrganisationInput>,
  ): Promise<Organisation | null> {
    const pairs = validateInput(this.#metadata, {
      name: patch.name,
      slug: patch.slug,
      trackOpens: patch.trackOpens,
    });
    return updateRow(this.#manager, Organisation, [[this.#id, organisationId]], pairs);
  }

  /** Deletes the organisation and, by cascade, everything it owns. */
  async delete(organisationId: OrganisationId): Promise<boolean> {
    return deleteRow(this.#manager, Organisation, [[this.#id, organisationId]]);
  }
}
