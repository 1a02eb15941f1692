import { randomUUID } from 'node:crypto';
import type { EntityManager, EntityMetadata } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata.js';
import { User } from '../iam/user.entity.js';
import { validateInput } from '../validation/input.validator.js';
import { findRow, insertOrGetRow, insertRow, updateRow } from './entity-rows.js';

export interface UserInput {
  id?: string;
  email: string;
  firstName?: string | null;
  lastName?: string | null;
  idpSubject?: string | null;
}

/**
 * iam.users: identities are global (one person, many organisations), so this is the one
 * repository not scoped by organisation. Used by authentication and membership management;
 * what a user may see is decided by iam.organisation_users (organisationUsers repository).
 */
export class UserRepository {
  readonly #manager: EntityManager;
  readonly #metadata: EntityMetadata;
  readonly #id: ColumnMetadata;
  readonly #email: ColumnMetadata;

  constructor(manager: EntityManager) {
    this.#manager = manager;
    this.#metadata = manager.dataSource.getMetadata(User);
    const id = this.#metadata.findColumnWithPropertyName('id');
    const email = this.#metadata.findColumnWithPropertyName('email');
    if (!id || !email) throw new Error('iam.users has no id or email column');
    this.#id = id;
    this.#email = email;
  }

  async find(id: string): Promise<User | null> {
    validateInput(this.#metadata, { id });
    return findRow(this.#manager, User, [[this.#id, id]]);
  }

  /** Case-insensitive (citext). */
  async findByEmail(email: string): Promise<User | null> {
    validateInput(this.#metadata, { email });
    return findRow(this.#manager, User, [[this.#email, email]]);
  }

  /**
   * The user with this e-mail, created with the given fields when there is none (an existing
   * user is returned unchanged). One statement, so concurrent callers cannot both create it.
   */
  async findOrCreate(data: UserInput): Promise<User> {
    const pairs = validateInput(this.#metadata, { ...data, id: data.id ?? randomUUID() });
    return insertOrGetRow(this.#manager, User, pairs, this.#email);
  }

  async create(data: UserInput): Promise<User> {
    const pairs = validateInput(this.#metadata, { ...data, id: data.id ?? randomUUID() });
    return insertRow(this.#manager, User, pairs);
  }

  async update(id: string, patch: Partial<Omit<UserInput, 'id'>>): Promise<User | null> {
    validateInput(this.#metadata, { id });
    const pairs = validateInput(this.#metadata, { ...patch });
    return updateRow(this.#manager, User, [[this.#id, id]], pairs);
  }
}
