import type { MembershipStatus, OrganisationRole } from '@outreach/tenancy';

export interface MemberView {
  userId: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  role: OrganisationRole;
  status: MembershipStatus;
  createdAt: Date;
  updatedAt: Date;
}
