import type { SuppressionKind } from './delivery-values.js';

/** What `normaliseSuppressionValue` answers: the value to store, or why it cannot be one. */
export type NormalisedSuppression =
  { ok: true; kind: SuppressionKind; value: string } | { ok: false; reason: string };

/** delivery.suppressions' CHECK suppressions_value_check, for each kind. */
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const DOMAIN = /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/;
const MAX_LENGTH = 320;

/**
 * Normalises a suppression as the database stores it: trimmed; an address keeps its local part
 * and gets a lower-case domain; a domain is lower-case, without a leading `@` or a trailing dot.
 * An address given as a domain (or the reverse) is refused with a reason that says so.
 * `kind` undefined: decided by the value (an `@` followed by more text makes it an address).
 */
export function normaliseSuppressionValue(
  kind: SuppressionKind | undefined,
  raw: string,
): NormalisedSuppression {
  const trimmed = raw.trim();
  if (trimmed === '') return { ok: false, reason: 'empty value' };
  if (Array.from(trimmed).length > MAX_LENGTH) {
    return { ok: false, reason: `longer than ${MAX_LENGTH} characters` };
  }
  const at = trimmed.lastIndexOf('@');
  const chosen: SuppressionKind = kind ?? (at > 0 ? 'email' : 'domain');
  if (chosen === 'email') {
    if (at < 0) {
      return { ok: false, reason: `"${trimmed}" is a domain, not an e-mail address: use domain` };
    }
    const value = `${trimmed.slice(0, at)}@${trimmed.slice(at + 1).toLowerCase()}`;
    return EMAIL.test(value)
      ? { ok: true, kind: 'email', value }
      : { ok: false, reason: `"${trimmed}" is not an e-mail address` };
  }
  const domain = trimmed.replace(/^@/, '').replace(/\.$/, '').toLowerCase();
  if (domain.includes('@')) {
    return { ok: false, reason: `"${trimmed}" is an e-mail address, not a domain: use email` };
  }
  return DOMAIN.test(domain)
    ? { ok: true, kind: 'domain', value: domain }
    : { ok: false, reason: `"${trimmed}" is not a domain name such as example.fr` };
}
