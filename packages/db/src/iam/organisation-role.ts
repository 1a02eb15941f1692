/** iam.organisation_users.role (CHECK organisation_users_role_check). */
export const ORGANISATION_ROLES = ['owner', 'admin', 'member', 'viewer'] as const;
export type OrganisationRole = (typeof ORGANISATION_ROLES)[number];

/** iam.organisation_users.status (CHECK organisation_users_status_check). */
export const MEMBERSHIP_STATUSES = ['invited', 'active', 'suspended'] as const;
export type MembershipStatus = (typeof MEMBERSHIP_STATUSES)[number];
