import type { OpenIpClass, OpenKind, OpenReason } from '@outreach/db';
import { AddressRanges, parseAddress } from './ip-address.js';

/** How one pixel fetch is counted: human or machine (proxy, bot), why, and the network class. */
export interface OpenClassification {
  kind: OpenKind;
  reason: OpenReason;
  ipClass: OpenIpClass;
}

/** What the classifier reads from a request: nothing else of it is kept. */
export interface OpenRequestFacts {
  userAgent: string | undefined;
  /** The client address as fastify reports it. */
  ip: string | undefined;
  /** `Purpose`, `Sec-Purpose`, `X-Purpose` or `X-Moz` header values, if any. */
  purpose: string | undefined;
}

// Address ranges, from the operators' published lists (December 2025). Keep them short and
// specific: an address in them is counted as a machine whatever its user agent says.
/** Apple (AS714): Mail Privacy Protection fetches every image through Apple's proxies. */
const APPLE = new AddressRanges(['17.0.0.0/8', '2620:149::/32', '2a01:b740::/32']);
/** Exchange Online Protection (Safe Links detonation and scanning). */
const MICROSOFT = new AddressRanges([
  '40.92.0.0/15',
  '40.107.0.0/16',
  '52.100.0.0/14',
  '104.47.0.0/17',
  '2a01:111:f400::/48',
  '2a01:111:f403::/48',
]);
/** Mimecast, Proofpoint, Barracuda gateways. */
const SECURITY_GATEWAYS = new AddressRanges([
  '205.139.110.0/24',
  '207.211.30.0/24',
  '207.211.31.0/25',
  '216.205.24.0/24',
  '91.220.42.0/24',
  '195.130.217.0/24',
  '146.101.78.0/24',
  '148.163.128.0/19',
  '67.231.144.0/20',
  '64.235.144.0/20',
  '209.222.80.0/21',
]);

/** User agents of scanners, link checkers and HTTP libraries (lower case substrings). */
const SCANNER_AGENTS = [
  'barracuda',
  'mimecast',
  'proofpoint',
  'ppops',
  'safelinks',
  'safe links',
  'forcepoint',
  'messagelabs',
  'symantec',
  'trend micro',
  'trendmicro',
  'sophos',
  'zscaler',
  'fortiguard',
  'cisco',
  'ironport',
  'headlesschrome',
  'phantomjs',
  'python-requests',
  'python-urllib',
  'aiohttp',
  'go-http-client',
  'okhttp',
  'java/',
  'curl/',
  'wget/',
  'libwww',
  'httpclient',
  'bot',
  'crawler',
  'spider',
  'scanner',
  'preview',
];

/**
 * Classifies a pixel fetch from its request alone (the send time is applied later, by
 * `afterSend`). In order: Google's and Yahoo's image proxies (they fetch when a person opens the
 * mail: human); a prefetch header; no user agent; Apple Mail Privacy Protection (Apple's bare
 * `Mozilla/5.0` proxy agent or an Apple address); scanner and gateway agents or addresses;
 * anything else is a mail client (human).
 */
export function classifyRequest(facts: OpenRequestFacts): OpenClassification {
  const agent = (facts.userAgent ?? '').trim();
  const lower = agent.toLowerCase();
  const address = parseAddress(facts.ip);
  if (lower.includes('googleimageproxy')) {
    return { kind: 'human', reason: 'google_image_proxy', ipClass: 'google_proxy' };
  }
  if (lower.includes('yahoomailproxy')) {
    return { kind: 'human', reason: 'yahoo_image_proxy', ipClass: 'yahoo_proxy' };
  }
  const ipClass = ipClassOf(address);
  const purpose = (facts.purpose ?? '').toLowerCase();
  if (purpose.includes('prefetch') || purpose.includes('preview')) {
    return { kind: 'bot', reason: 'prefetch', ipClass };
  }
  if (agent === '') return { kind: 'bot', reason: 'empty_user_agent', ipClass };
  if (agent === 'Mozilla/5.0' || ipClass === 'apple_mpp') {
    return { kind: 'proxy', reason: 'apple_mpp', ipClass: 'apple_mpp' };
  }
  if (ipClass === 'microsoft' || ipClass === 'security_scanner') {
    return { kind: 'bot', reason: 'security_scanner', ipClass };
  }
  if (SCANNER_AGENTS.some((needle) => lower.includes(needle))) {
    return { kind: 'bot', reason: 'security_scanner', ipClass: 'security_scanner' };
  }
  return { kind: 'human', reason: 'mail_client', ipClass };
}

/**
 * The final classification once the message's send time is known: a fetch that a person would
 * have counted (human) but that came within `windowMs` of the send, or before the message is
 * recorded as sent, is a machine (a gateway scanning the mail on delivery).
 */
export function afterSend(
  classification: OpenClassification,
  openedAt: number,
  sentAt: number | null,
  windowMs: number,
): OpenClassification {
  if (classification.kind !== 'human') return classification;
  if (sentAt !== null && openedAt - sentAt >= windowMs) return classification;
  return { kind: 'bot', reason: 'too_soon', ipClass: classification.ipClass };
}

function ipClassOf(address: ReturnType<typeof parseAddress>): OpenIpClass {
  if (APPLE.has(address)) return 'apple_mpp';
  if (MICROSOFT.has(address)) return 'microsoft';
  if (SECURITY_GATEWAYS.has(address)) return 'security_scanner';
  return 'unknown';
}
