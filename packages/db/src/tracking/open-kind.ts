/** tracking.message_open_stats.last_open_kind (CHECK message_open_stats_last_open_kind_check). */
export const OPEN_KINDS = ['human', 'proxy', 'bot'] as const;
export type OpenKind = (typeof OPEN_KINDS)[number];
/** tracking.message_open_stats.last_ip_class (CHECK message_open_stats_last_ip_class_check). */
export const OPEN_IP_CLASSES = [
  'residential',
  'apple_mpp',
  'google_proxy',
  'yahoo_proxy',
  'microsoft',
  'security_scanner',
  'datacenter',
  'unknown',
] as const;
export type OpenIpClass = (typeof OPEN_IP_CLASSES)[number];
/**
 * tracking.message_open_stats.last_open_reason (CHECK message_open_stats_last_open_reason_check):
 * why an open was classified as it was. Human: a mail client, or Google's / Yahoo's image
 * proxy fetching on a person's behalf. Machine: Apple Mail Privacy Protection (kind proxy),
 * security scanners and link checkers, empty user agents, prefetches, fetches too soon after
 * the send (kind bot).
 */
export const OPEN_REASONS = [
  'mail_client',
  'google_image_proxy',
  'yahoo_image_proxy',
  'apple_mpp',
  'security_scanner',
  'empty_user_agent',
  'prefetch',
  'too_soon',
] as const;
export type OpenReason = (typeof OPEN_REASONS)[number];
