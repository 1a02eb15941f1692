import { AuthenticationError } from './authentication.error.js';

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/;

/** Extracts the compact JWT from an `Authorization` header value. */
export function parseBearerHeader(header: string | string[] | undefined): string {
  if (header === undefined || header === '') {
    throw new AuthenticationError('missing Authorization header: expected `Bearer <token>`');
  }
  const value = Array.isArray(header) ? header.join(',') : header;
  const match = BEARER.exec(value.trim());
  if (!match?.[1]) {
    throw new AuthenticationError('malformed Authorization header: expected `Bearer <token>`');
  }
  return match[1];
}
