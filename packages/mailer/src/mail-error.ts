/** At most this many characters of a mail server's error are kept. */
const MAX_ERROR_LENGTH = 500;

/**
 * What a mail server (SMTP or IMAP) said when a connection or login failed, for a person: the
 * server's own words when it gave some (`responseText`, `response`), else the error's message or
 * code, each part once, the password cut out, at most 500 characters.
 */
export function describeMailError(error: unknown, password: string): string {
  const details = error as {
    message?: unknown;
    response?: unknown;
    responseText?: unknown;
    code?: unknown;
  };
  const parts = [details.message, details.responseText, details.response]
    .filter((part): part is string => typeof part === 'string' && part.trim() !== '')
    .filter((part, index, all) => !all.slice(0, index).some((earlier) => earlier.includes(part)));
  let text = parts.join(': ') || (typeof details.code === 'string' ? details.code : 'failed');
  if (password !== '') text = text.split(password).join('***');
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;
}
