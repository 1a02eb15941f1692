import { randomUUID } from 'node:crypto';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata.js';
import type { EntityManager, EntityMetadata } from 'typeorm';
import { InvalidInputError } from '../errors/invalid-input.error.js';
import type { OrganisationId } from '../organisation-id.js';
import { validateColumnValue, validateInput } from '../validation/input.validator.js';
import type { CursorCodec, SortDirection } from './cursor.codec.js';
import {
  castType,
  deleteRow,
  findRow,
  hydrate,
  insertRow,
  persistentValue,
  qualifiedTable,
  quoted,
  runQuery,
  updateRow,
  type ColumnValues,
} from './entity-rows.js';

/** Every tenant row: belongs to one organisation, has a creation time. */
export interface OrganisationOwned {
  organisationId: string;
  createdAt: Date;
}

/** Properties holding other entities (relations): never written through a repository. */
export type RelationKeys<E> = {
  [P in keyof E]-?: NonNullable<E[P]> extends { createdAt: Date }
    ? P
    : NonNullable<E[P]> extends readonly { createdAt: Date }[]
      ? P
      : never;
}[keyof E];

type ManagedKeys = 'organisationId' | 'createdAt' | 'updatedAt';

/** What a create may carry: the columns, never the organisation (it is the first argument). */
export type CreateInput<E> = {
  [P in Exclude<keyof E, RelationKeys<E> | ManagedKeys>]?: E[P];
} & { organisationId?: never };

/** What an update may change: the columns except the organisation and the key. */
export type UpdateInput<E, K extends keyof E> = {
  [P in Exclude<keyof E, RelationKeys<E> | ManagedKeys | K>]?: E[P];
} & { organisationId?: never };

export interface ListOptions<E, S extends string, F extends keyof E> {
  /** Opaque cursor from a previous page's nextCursor. */
  cursor?: string | null | undefined;
  /** 1 to 200 (default 50). */
  limit?: number | undefined;
  sort?: S | undefined;
  direction?: SortDirection | undefined;
  /** Equality filters on the repository's filterable fields (null matches IS NULL). */
  filters?: { [P in F]?: E[P] | null } | undefined;
}

export interface Page<E> {
  items: E[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export interface RepositoryDefinition<
  E,
  K extends keyof E & string,
  S extends string,
  F extends keyof E & string,
> {
  entity: new () => E;
  /** The id beside organisation_id in the primary key. */
  key: K;
  /** Sort name → leading columns (NOT NULL, backed by an (organisation_id, …, key) index); the key ends every sort. */
  sorts: Record<S, readonly (keyof E & string)[]>;
  defaultSort: NoInfer<S>;
  filters: readonly F[];
  /**
   * Case-insensitive filters (a citext column) → the generated lower-case text key they compare:
   * `key = lower(value)`. Under row-level security citext's `=` (not LEAKPROOF) cannot be an
   * index condition, so filtering the column itself reads the organisation's whole table.
   */
  lowerCaseKeys?: { readonly [P in F]?: keyof E & string };
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

const DIRECTIONS: readonly string[] = ['asc', 'desc'];
const UTC_TEXT = `'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'`;

/**
 * Organisation-scoped access to one tenant table. Every method takes the organisation first
 * and every statement filters on `organisation_id`; the EntityManager is private, so no
 * unscoped query can be written through a repository. Bind it to a tenant transaction's manager
 * (runInTenantTransaction) so row-level security applies too.
 */
export class OrganisationScopedRepository<
  E extends OrganisationOwned,
  K extends keyof E & string,
  S extends string,
  F extends keyof E & string,
> {
  readonly #manager: EntityManager;
  readonly #codec: CursorCodec;
  readonly #definition: RepositoryDefinition<E, K, S, F>;
  readonly #metadata: EntityMetadata;
  readonly #table: string;
  readonly #org: ColumnMetadata;
  readonly #key: ColumnMetadata;

  constructor(
    manager: EntityManager,
    codec: CursorCodec,
    definition: RepositoryDefinition<E, K, S, F>,
  ) {
    this.#manager = manager;
    this.#codec = codec;
    this.#definition = definition;
    this.#metadata = manager.dataSource.getMetadata(definition.entity);
    this.#table = qualifiedTable(this.#metadata);
    this.#org = this.#column('organisationId');
    this.#key = this.#column(definition.key);
    for (const columns of Object.values<readonly string[]>(definition.sorts)) {
      for (const property of columns) {
        if (this.#column(property).isNullable) {
          throw new Error(
            `${this.#metadata.tableName}: sort column ${property} must be NOT NULL for keyset pagination`,
          );
        }
      }
    }
  }

  /** The row with this key in this organisation, or null (also for another organisation's row). */
  async find(organisationId: OrganisationId, id: E[K]): Promise<E | null> {
    this.#checkKey(id);
    return findRow(this.#manager, this.#definition.entity, this.#where(organisationId, id));
  }

  /** One keyset page of this organisation's rows, in a stable order. */
  async list(organisationId: OrganisationId, options: ListOptions<E, S, F> = {}): Promise<Page<E>> {
    const limit = options.limit ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
      throw new InvalidInputError(
        'invalid_value',
        this.#metadata.tableName,
        'limit',
        `limit must be an integer from 1 to ${MAX_PAGE_SIZE}`,
      );
    }
    const sort = options.sort ?? this.#definition.defaultSort;
    const leading = this.#definition.sorts[sort] as readonly string[] | undefined;
    if (!leading) {
      throw new InvalidInputError(
        'invalid_value',
        this.#metadata.tableName,
        'sort',
        `sort must be one of ${Object.keys(this.#definition.sorts).join(', ')}`,
      );
    }
    const direction = options.direction ?? 'asc';
    if (!DIRECTIONS.includes(direction)) {
      throw new InvalidInputError(
        'invalid_value',
        this.#metadata.tableName,
        'direction',
        'direction must be asc or desc',
      );
    }
    const keyColumns = [...leading.map((p) => this.#column(p)), this.#key];
    const params: unknown[] = [organisationId];
    const where = [`${quoted(this.#org)} = $1`];

    for (const [property, value] of Object.entries(options.filters ?? {})) {
      if (value === undefined) continue;
      if (!(this.#definition.filters as readonly string[]).includes(property)) {
        throw new InvalidInputError(
          'not_allowed',
          this.#metadata.tableName,
          property,
          `cannot filter ${this.#metadata.tableName} by ${property}; filters: ${this.#definition.filters.join(', ')}`,
        );
      }
      const column = this.#column(property);
      const lowerCaseKeys: Partial<Record<string, keyof E & string>> =
        this.#definition.lowerCaseKeys ?? {};
      const lowerCaseKey = lowerCaseKeys[property];
      if (value === null) {
        where.push(`${quoted(column)} IS NULL`);
      } else if (lowerCaseKey !== undefined) {
        validateColumnValue(this.#metadata, column, value);
        params.push(value);
        where.push(`${quoted(this.#column(lowerCaseKey))} = lower($${params.length}::text)`);
      } else {
        validateColumnValue(this.#metadata, column, value);
        params.push(persistentValue(this.#manager, column, value));
        where.push(`${quoted(column)} = $${params.length}`);
      }
    }

    if (options.cursor) {
      const position = this.#codec.decode(organisationId, options.cursor, {
        sort,
        direction,
        arity: keyColumns.length,
      });
      const placeholders = keyColumns.map((column, i) => {
        params.push(position.values[i]);
        return `$${params.length}::${castType(column)}`;
      });
      where.push(
        `(${keyColumns.map(quoted).join(', ')}) ${direction === 'asc' ? '>' : '<'} (${placeholders.join(', ')})`,
      );
    }

    params.push(limit + 1);
    const keyText = keyColumns.map((column, i) => `${this.#asText(column)} AS "__k${i}"`);
    const order = keyColumns
      .map((column) => `${quoted(column)} ${direction.toUpperCase()}`)
      .join(', ');
    const rows = await runQuery<Record<string, unknown>[]>(
      this.#manager,
      `SELECT *, ${keyText.join(', ')} FROM ${this.#table} WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT $${params.length}`,
      params,
    );
    const hasMore = rows.length > limit;
    const pageRows = hasMore ? rows.slice(0, limit) : rows;
    const last = pageRows.at(-1);
    return {
      items: pageRows.map((row) => hydrate(this.#manager, this.#metadata, row) as E),
      nextCursor:
        hasMore && last
          ? this.#codec.encode(organisationId, {
              sort,
              direction,
              values: keyColumns.map((_, i) => last[`__k${i}`] as string),
            })
          : null,
    };
  }

  /** Inserts a row into this organisation (a missing key gets a random UUID) and returns it as stored. */
  async create(organisationId: OrganisationId, data: CreateInput<E>): Promise<E> {
    const input = this.#writable(data, 'create');
    if (this.#key.propertyName === 'id' && !('id' in input)) input.id = randomUUID();
    const pairs = validateInput(this.#metadata, input);
    return insertRow(this.#manager, this.#definition.entity, [
      [this.#org, organisationId],
      ...pairs,
    ]);
  }

  /** Changes the given fields of this organisation's row; null when there is no such row. */
  async update(
    organisationId: OrganisationId,
    id: E[K],
    patch: UpdateInput<E, K>,
  ): Promise<E | null> {
    this.#checkKey(id);
    const input = this.#writable(patch, 'update');
    if (this.#key.propertyName in input) {
      throw new InvalidInputError(
        'not_allowed',
        this.#metadata.tableName,
        this.#key.databaseName,
        `${this.#metadata.tableName}.${this.#key.databaseName} cannot be changed`,
      );
    }
    const pairs = validateInput(this.#metadata, input);
    return updateRow(
      this.#manager,
      this.#definition.entity,
      this.#where(organisationId, id),
      pairs,
    );
  }

  /** Deletes this organisation's row; false when there was none. */
  async delete(organisationId: OrganisationId, id: E[K]): Promise<boolean> {
    this.#checkKey(id);
    return deleteRow(this.#manager, this.#definition.entity, this.#where(organisationId, id));
  }

  #where(organisationId: OrganisationId, id: E[K]): ColumnValues {
    return [
      [this.#org, organisationId],
      [this.#key, id],
    ];
  }

  #column(property: string): ColumnMetadata {
    const column = this.#metadata.findColumnWithPropertyName(property);
    if (!column)
      throw new Error(`${this.#metadata.tableName} has no column for property ${property}`);
    return column;
  }

  #checkKey(id: unknown): void {
    validateColumnValue(this.#metadata, this.#key, id);
    if (id === null || id === undefined) {
      throw new InvalidInputError(
        'required',
        this.#metadata.tableName,
        this.#key.databaseName,
        `${this.#metadata.tableName}.${this.#key.databaseName} is required`,
      );
    }
  }

  #writable(data: Record<string, unknown>, action: string): Record<string, unknown> {
    const input: Record<string, unknown> = {};
    for (const [property, value] of Object.entries(data)) {
      if (value !== undefined) input[property] = value;
    }
    for (const managed of ['organisationId', 'createdAt', 'updatedAt']) {
      if (managed in input) {
        throw new InvalidInputError(
          'not_allowed',
          this.#metadata.tableName,
          managed,
          `${this.#metadata.tableName}: ${managed} cannot be set by ${action}`,
        );
      }
    }
    return input;
  }

  #asText(column: ColumnMetadata): string {
    const type = castType(column);
    return type.startsWith('timestamp')
      ? `to_char(${quoted(column)} AT TIME ZONE 'UTC', ${UTC_TEXT})`
      : `${quoted(column)}::text`;
  }
}
