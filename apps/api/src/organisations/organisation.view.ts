import type { OrganisationRole } from '@outreach/tenancy';

/** An organisation as the caller sees it, with the caller's role there. */
export interface OrganisationView {
  id: string;
  name: string;
  slug: string;
  role: OrganisationRole | 'system';
  createdAt: Date;
  updatedAt: Date;
}
