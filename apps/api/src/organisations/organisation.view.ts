import type { OrganisationRole } from '@outreach/tenancy';

/** An organisation as the caller sees it, with the caller's role there. */
export interface OrganisationView {
  id: string;
  name: string;
  slug: string;
  /** Open tracking for the whole organisation (no pixel in any mail when false). */
  trackOpens: boolean;
  role: OrganisationRole | 'system';
  createdAt: Date;
  updatedAt: Date;
}
