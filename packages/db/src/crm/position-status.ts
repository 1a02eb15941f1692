/** crm.positions.email_status (CHECK positions_email_status_check). */
export const POSITION_EMAIL_STATUSES = [
  'valid',
  'risky',
  'invalid',
  'catch_all',
  'unknown',
] as const;
export type PositionEmailStatus = (typeof POSITION_EMAIL_STATUSES)[number];

/** crm.positions.status (CHECK positions_status_check). */
export const POSITION_STATUSES = [
  'active',
  'former',
  'unsubscribed',
  'bounced',
  'do_not_contact',
] as const;
export type PositionStatus = (typeof POSITION_STATUSES)[number];
