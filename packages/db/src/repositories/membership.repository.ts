import pg from 'pg';
import type { EntityManager } from 'typeorm';
import { InvalidInputError } from '../errors/invalid-input.error.js';
import {
  ORGANISATION_ROLES,
  type MembershipStatus,
  type OrganisationRole,
} from '../iam/organisation-role.js';
import { isUuid, type OrganisationId } from '../organisation-id.js';
import type { OpeningRead } from '../tenant-transaction.js';
import { runQuery } from './entity-rows.js';

/** A member as an organisation sees it: the membership and the user's public fields. */
export interface MemberRecord {
  userId: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  role: OrganisationRole;
  status: MembershipStatus;
  createdAt: Date;
  updatedAt: Date;
}

export interface Membership {
  role: OrganisationRole;
  status: MembershipStatus;
}

/** Who a verified e-mail is, and what they are in one organisation (null: not a member). */
export interface CallerMembership {
  userId: string;
  membership: Membership | null;
}

interface MemberRow {
  user_id: string;
  email: string;
  first_name: string | null;
  last_name: string | null;
  role: OrganisationRole;
  status: MembershipStatus;
  created_at: Date;
  updated_at: Date;
}

const CALLER_SQL = (organisationId: string, email: string): string =>
  `SELECT u.id, m.role, m.status
     FROM iam.users u
     LEFT JOIN iam.organisation_users m ON m.organisation_id = ${organisationId} AND m.user_id = u.id
    WHERE u.email = ${email}`;

const SELECT_MEMBERS = `
  SELECT m.user_id, u.email, u.first_name, u.last_name, m.role, m.status, m.created_at, m.updated_at
    FROM iam.organisation_users m JOIN iam.users u ON u.id = m.user_id
   WHERE m.organisation_id = $1`;

/**
 * iam.organisation_users joined with the global iam.users: who belongs to an organisation and
 * with which role. Every method takes the organisation first; bind it to the organisation's
 * tenant transaction (row-level security hides every other organisation's memberships).
 */
export class MembershipRepository {
  readonly #manager: EntityManager;

  constructor(manager: EntityManager) {
    this.#manager = manager;
  }

  /**
   * The request's authorisation in one statement: the user with this (verified) e-mail and
   * their membership of the organisation. Null when no user has the e-mail.
   */
  async findCaller(
    organisationId: OrganisationId,
    email: string,
  ): Promise<CallerMembership | null> {
    const rows = await runQuery<Record<string, unknown>[]>(this.#manager, CALLER_SQL('$1', '$2'), [
      organisationId,
      email,
    ]);
    return callerFrom(rows);
  }

  /**
   * The same look-up, to ride in a tenant transaction's opening round trip
   * (runInTenantTransactionWith): the api's per-request authorisation costs no round trip of
   * its own. Simple protocol, so the values are literals: the organisation id a validated UUID,
   * the e-mail escaped by `pg.escapeLiteral`.
   */
  static callerLookup(
    organisationId: OrganisationId,
    email: string,
  ): OpeningRead<CallerMembership | null> {
    if (!isUuid(organisationId)) throw new Error('callerLookup needs a validated organisation id');
    return {
      sql: CALLER_SQL(`'${organisationId}'::uuid`, `${pg.escapeLiteral(email)}::citext`),
      read: callerFrom,
    };
  }

  async find(organisationId: OrganisationId, userId: string): Promise<Membership | null> {
    if (!isUuid(userId)) return null;
    const rows = await runQuery<{ role: string; status: MembershipStatus }[]>(
      this.#manager,
      'SELECT role, status FROM iam.organisation_users WHERE organisation_id = $1 AND user_id = $2',
      [organisationId, userId],
    );
    const row = rows[0];
    return row ? membership(row.role, row.status) : null;
  }

  /** Members in the order they joined. */
  async list(organisationId: OrganisationId): Promise<MemberRecord[]> {
    const rows = await runQuery<MemberRow[]>(
      this.#manager,
      `${SELECT_MEMBERS} ORDER BY m.created_at, m.user_id`,
      [organisationId],
    );
    return rows.map(record);
  }

  async get(organisationId: OrganisationId, userId: string): Promise<MemberRecord | null> {
    if (!isUuid(userId)) return null;
    const rows = await runQuery<MemberRow[]>(
      this.#manager,
      `${SELECT_MEMBERS} AND m.user_id = $2`,
      [organisationId, userId],
    );
    return rows[0] ? record(rows[0]) : null;
  }

  /** Adds an active membership; false when the user is already a member (nothing changes). */
  async add(
    organisationId: OrganisationId,
    userId: string,
    role: OrganisationRole,
  ): Promise<boolean> {
    const rows = await runQuery<unknown[]>(
      this.#manager,
      `INSERT INTO iam.organisation_users (organisation_id, user_id, role, status)
       VALUES ($1, $2, $3, 'active') ON CONFLICT DO NOTHING RETURNING user_id`,
      [organisationId, userId, checkedRole(role)],
    );
    return rows.length > 0;
  }

  async changeRole(
    organisationId: OrganisationId,
    userId: string,
    role: OrganisationRole,
  ): Promise<boolean> {
    const [, count] = await runQuery<[unknown[], number]>(
      this.#manager,
      'UPDATE iam.organisation_users SET role = $3 WHERE organisation_id = $1 AND user_id = $2',
      [organisationId, userId, checkedRole(role)],
    );
    return count > 0;
  }

  async remove(organisationId: OrganisationId, userId: string): Promise<boolean> {
    const [, count] = await runQuery<[unknown[], number]>(
      this.#manager,
      'DELETE FROM iam.organisation_users WHERE organisation_id = $1 AND user_id = $2',
      [organisationId, userId],
    );
    return count > 0;
  }

  /**
   * The active owners' user ids, locked (FOR UPDATE) until the transaction ends, so two
   * concurrent demotions or removals cannot both see "another owner remains".
   */
  async lockActiveOwners(organisationId: OrganisationId): Promise<string[]> {
    const rows = await runQuery<{ user_id: string }[]>(
      this.#manager,
      `SELECT user_id FROM iam.organisation_users
        WHERE organisation_id = $1 AND role = 'owner' AND status = 'active'
        ORDER BY user_id FOR UPDATE`,
      [organisationId],
    );
    return rows.map((row) => row.user_id);
  }
}

function callerFrom(rows: Record<string, unknown>[]): CallerMembership | null {
  const row = rows[0] as { id: string; role: string | null; status: MembershipStatus } | undefined;
  if (!row) return null;
  return {
    userId: row.id,
    membership: row.role === null ? null : membership(row.role, row.status),
  };
}

function checkedRole(role: string): OrganisationRole {
  if (!(ORGANISATION_ROLES as readonly string[]).includes(role)) {
    throw new InvalidInputError(
      'invalid_value',
      'organisation_users',
      'role',
      `role must be one of ${ORGANISATION_ROLES.join(', ')}`,
    );
  }
  return role as OrganisationRole;
}

function membership(role: string, status: MembershipStatus): Membership {
  // The CHECK constraint guarantees the role; this guards against a schema this code predates.
  return { role: checkedRole(role), status };
}

function record(row: MemberRow): MemberRecord {
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
