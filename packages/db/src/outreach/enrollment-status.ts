/** outreach.campaign_enrollments.status (CHECK campaign_enrollments_status_check). */
export const ENROLLMENT_STATUSES = ['active', 'paused', 'completed', 'exited'] as const;
export type EnrollmentStatus = (typeof ENROLLMENT_STATUSES)[number];
/** outreach.campaign_enrollments.exit_reason (CHECK campaign_enrollments_exit_reason_check). */
export const ENROLLMENT_EXIT_REASONS = [
  'replied',
  'bounced',
  'unsubscribed',
  'invalid_email',
  'manual',
  'error',
] as const;
export type EnrollmentExitReason = (typeof ENROLLMENT_EXIT_REASONS)[number];
