import { createHash, verify } from 'node:crypto';

/**
 * A minimal DKIM verifier for the tests (RFC 6376, rsa-sha256, relaxed/relaxed only): the body
 * hash and the signature over the signed headers, checked against the given public key.
 */
export function verifyDkim(
  raw: Buffer,
  publicKeyPem: string,
): { bodyHashOk: boolean; signatureOk: boolean; tags: Map<string, string> } {
  const text = raw.toString('binary');
  const split = text.indexOf('\r\n\r\n');
  const head = text.slice(0, split + 2);
  const body = text.slice(split + 4);
  const fields = head.split(/\r\n(?![ \t])/).filter((field) => field !== '');
  const signature = fields.find((field) => /^dkim-signature:/i.test(field));
  if (signature === undefined) throw new Error('no DKIM-Signature header');
  const value = signature.slice(signature.indexOf(':') + 1);
  const tags = new Map(
    value
      .replace(/\s+/g, '')
      .split(';')
      .filter((tag) => tag !== '')
      .map((tag) => [tag.slice(0, tag.indexOf('=')), tag.slice(tag.indexOf('=') + 1)] as const),
  );
  if (tags.get('c') !== 'relaxed/relaxed' || tags.get('a') !== 'rsa-sha256') {
    throw new Error(`unsupported DKIM-Signature c=${tags.get('c')} a=${tags.get('a')}`);
  }
  const bodyHash = createHash('sha256').update(relaxedBody(body), 'binary').digest('base64');

  const remaining = [...fields];
  const signed: string[] = [];
  for (const name of (tags.get('h') ?? '').split(':')) {
    // The last occurrence first (RFC 6376 §5.4.2); a name with none left signs nothing.
    for (let i = remaining.length - 1; i >= 0; i--) {
      const field = remaining[i] ?? '';
      if (field.slice(0, field.indexOf(':')).trim().toLowerCase() === name.toLowerCase()) {
        signed.push(relaxedHeader(field) + '\r\n');
        remaining.splice(i, 1);
        break;
      }
    }
  }
  const withoutB = relaxedHeader(signature).replace(/([;:]\s*b=)[^;]*/, '$1');
  const data = signed.join('') + withoutB;
  const signatureOk = verify(
    'sha256',
    Buffer.from(data, 'binary'),
    publicKeyPem,
    Buffer.from(tags.get('b') ?? '', 'base64'),
  );
  return { bodyHashOk: bodyHash === tags.get('bh'), signatureOk, tags };
}

function relaxedHeader(field: string): string {
  const colon = field.indexOf(':');
  const name = field.slice(0, colon).trim().toLowerCase();
  const value = field
    .slice(colon + 1)
    .replace(/\r\n/g, '')
    .replace(/[ \t]+/g, ' ')
    .trim();
  return `${name}:${value}`;
}

function relaxedBody(body: string): string {
  const lines = body.split('\r\n').map((line) => line.replace(/[ \t]+/g, ' ').replace(/ $/, ''));
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.length === 0 ? '' : lines.join('\r\n') + '\r\n';
}
