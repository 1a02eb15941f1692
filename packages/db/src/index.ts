// Public surface of @outreach/db (explicit names, no `export *`).
export {
  createDataSource,
  statementTimeoutOf,
  DEFAULT_POOL_SIZE,
  DEFAULT_STATEMENT_TIMEOUT_MS,
} from './data-source.factory.js';
export type { DatabaseConfig } from './data-source.factory.js';
export { runInTenantTransaction } from './tenant-transaction.js';
export type { TenantTransactionOptions } from './tenant-transaction.js';
export { asOrganisationId, isUuid, UUID_PATTERN } from './organisation-id.js';
export type { OrganisationId } from './organisation-id.js';
export { ENTITIES } from './entities.js';
export { InvalidCursorError } from './errors/invalid-cursor.error.js';
export { InvalidInputError } from './errors/invalid-input.error.js';
export type { InvalidInputKind } from './errors/invalid-input.error.js';
export { translateDatabaseError } from './errors/database-error.translator.js';
export { CursorCodec } from './repositories/cursor.codec.js';
export type { CursorPosition, SortDirection } from './repositories/cursor.codec.js';
export {
  OrganisationScopedRepository,
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
} from './repositories/organisation-scoped.repository.js';
export type {
  CreateInput,
  UpdateInput,
  ListOptions,
  Page,
  RepositoryDefinition,
  OrganisationOwned,
  RelationKeys,
} from './repositories/organisation-scoped.repository.js';
