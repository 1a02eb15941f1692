/** delivery.mailboxes.smtp_security / imap_security (CHECK …_security_check). */
export const MAIL_SECURITY_MODES = ['tls', 'starttls', 'none'] as const;
export type MailSecurityMode = (typeof MAIL_SECURITY_MODES)[number];

/** delivery.mailboxes.status (CHECK mailboxes_status_check). */
export const MAILBOX_STATUSES = ['active', 'paused', 'error'] as const;
export type MailboxStatus = (typeof MAILBOX_STATUSES)[number];

/** delivery.inbound_actions.action (CHECK inbound_actions_action_check). */
export const INBOUND_ACTIONS = ['exited', 'paused', 'suppressed', 'bounced', 'recorded'] as const;
export type InboundAction = (typeof INBOUND_ACTIONS)[number];

/** delivery.inbound_actions.exit_reason (CHECK inbound_actions_exit_reason_check). */
export const INBOUND_EXIT_REASONS = ['replied', 'bounced', 'unsubscribed'] as const;
export type InboundExitReason = (typeof INBOUND_EXIT_REASONS)[number];

/** delivery.suppressions.kind (CHECK suppressions_kind_check). */
export const SUPPRESSION_KINDS = ['email', 'domain'] as const;
export type SuppressionKind = (typeof SUPPRESSION_KINDS)[number];

/** delivery.suppressions.reason (CHECK suppressions_reason_check). */
export const SUPPRESSION_REASONS = [
  'unsubscribed',
  'hard_bounce',
  'complaint',
  'manual',
  'erased',
] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];
