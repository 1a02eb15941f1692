import type { MemberRecord } from '@outreach/db';

/** A member as the api answers it: the membership and the user's public fields. */
export type MemberView = MemberRecord;
