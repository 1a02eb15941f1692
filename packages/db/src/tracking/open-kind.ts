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
