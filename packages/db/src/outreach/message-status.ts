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
/** outreach.messages.inbound_class (CHECK messages_inbound_class_check): what came back. */
export const INBOUND_CLASSES = [
  'human_reply',
  'auto_reply',
  'out_of_office',
  'hard_bounce',
  'soft_bounce',
  'unsubscribe_request',
] as const;
export type InboundClass = (typeof INBOUND_CLASSES)[number];
