/** outreach.messages.direction (CHECK messages_direction_check). */
export const MESSAGE_DIRECTIONS = ['outbound', 'inbound'] as const;
export type MessageDirection = (typeof MESSAGE_DIRECTIONS)[number];
/** outreach.messages.status (CHECK messages_status_check). */
export const MESSAGE_STATUSES = [
  'queued',
  'sending',
  'sent',
  'failed',
  'bounced',
  'received',
] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];
