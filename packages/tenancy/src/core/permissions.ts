import { ORGANISATION_ROLES, type OrganisationRole } from '@outreach/db';

// Roles of `iam.organisation_users.role` (one source: packages/db), strongest first.
export { ORGANISATION_ROLES };
export type { OrganisationRole };

export const PERMISSIONS = [
  'organisation:read',
  'organisation:write',
  'members:read',
  'members:write',
  'companies:read',
  'companies:write',
  'people:read',
  'people:write',
  'positions:read',
  'positions:write',
  // Outreach: campaigns with their steps, experiments, enrollments, tasks and messages.
  'campaigns:read',
  'campaigns:write',
  'prompts:read',
  'prompts:write',
  // Delivery: sending identities and the suppression list.
  'mailboxes:read',
  'mailboxes:write',
  'suppressions:read',
  'suppressions:write',
  // Prospect imports.
  'imports:read',
  'imports:write',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const READ: readonly Permission[] = PERMISSIONS.filter((p) => p.endsWith(':read'));
/** What a member does day to day: the CRM, imports, building and running campaigns. */
const MEMBER_WRITE: readonly Permission[] = [
  'companies:write',
  'people:write',
  'positions:write',
  'imports:write',
  'campaigns:write',
  'prompts:write',
];

/**
 * The role → permission table, the only place that says who may do what.
 * owner: everything; admin: everything but only an owner may grant or take the owner role
 * (checked where members are changed); member: read all, write the CRM, import prospects, build
 * and run campaigns (mailboxes and the suppression list are managed by admins and owners);
 * viewer: read only.
 */
export const ROLE_PERMISSIONS: Readonly<Record<OrganisationRole, ReadonlySet<Permission>>> = {
  owner: new Set(PERMISSIONS),
  admin: new Set(PERMISSIONS),
  member: new Set([...READ, ...MEMBER_WRITE]),
  viewer: new Set(READ),
};

export function roleHasPermission(role: OrganisationRole, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].has(permission);
}

export function isOrganisationRole(value: unknown): value is OrganisationRole {
  return typeof value === 'string' && (ORGANISATION_ROLES as readonly string[]).includes(value);
}
