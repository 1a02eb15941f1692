import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import { AuthenticationError } from './authentication.error.js';
import { mintDevToken } from './dev-token.js';
import { TokenVerifier } from './token-verifier.js';

const SECRET = 'test-secret-test-secret-test-secret!';
const verifier = new TokenVerifier({ mode: 'hs256', secret: SECRET });

async function expectAuthError(promise: Promise<unknown>, message: string | RegExp): Promise<void> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AuthenticationError);
  expect((error as Error).message).toMatch(message);
}

describe('TokenVerifier (HS256)', () => {
  it('accepts a valid token and returns its e-mail and subject', async () => {
    const token = await mintDevToken({ secret: SECRET, email: 'alice@example.fr' });
    await expect(verifier.verify(token)).resolves.toEqual({
      email: 'alice@example.fr',
      subject: 'dev|alice@example.fr',
    });
  });

  it('rejects an expired token beyond the clock tolerance', async () => {
    const token = await mintDevToken({ secret: SECRET, email: 'a@b.fr', expiresInSeconds: -60 });
    await expectAuthError(verifier.verify(token), 'token expired');
  });

  it('tolerates a few seconds of clock skew', async () => {
    const token = await mintDevToken({ secret: SECRET, email: 'a@b.fr', expiresInSeconds: -2 });
    await expect(verifier.verify(token)).resolves.toMatchObject({ email: 'a@b.fr' });
  });

  it('rejects a token signed with another secret', async () => {
    const token = await mintDevToken({ secret: 'x'.repeat(40), email: 'a@b.fr' });
    await expectAuthError(verifier.verify(token), 'token signature invalid');
  });

  it('rejects a token whose payload was altered', async () => {
    const token = await mintDevToken({ secret: SECRET, email: 'a@b.fr' });
    const [header, , signature] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ email: 'boss@b.fr', sub: 'x', exp: 9_999_999_999 }),
    ).toString('base64url');
    await expectAuthError(
      verifier.verify(`${header}.${forged}.${signature}`),
      'token signature invalid',
    );
  });

  it('rejects an unsigned (alg none) token', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    const body = Buffer.from(
      JSON.stringify({ email: 'a@b.fr', sub: 'x', exp: 9_999_999_999 }),
    ).toString('base64url');
    await expectAuthError(verifier.verify(`${header}.${body}.`), /algorithm not allowed|malformed/);
  });

  it('rejects an asymmetric algorithm when HS256 is pinned', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const token = await new SignJWT({ email: 'a@b.fr' })
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject('x')
      .setExpirationTime('1h')
      .sign(privateKey);
    await expectAuthError(verifier.verify(token), 'token algorithm not allowed: expected HS256');
  });

  it('rejects garbage as a malformed token', async () => {
    await expectAuthError(verifier.verify('abc.def.ghi'), 'malformed token');
  });

  it('requires an e-mail claim, an expiry and a subject', async () => {
    const key = new TextEncoder().encode(SECRET);
    const noEmail = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('x')
      .setExpirationTime('1h')
      .sign(key);
    await expectAuthError(verifier.verify(noEmail), 'token has no valid "email" claim');
    const noExp = await new SignJWT({ email: 'a@b.fr' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('x')
      .sign(key);
    await expectAuthError(verifier.verify(noExp), 'token claim "exp" invalid');
    const noSub = await new SignJWT({ email: 'a@b.fr' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('1h')
      .sign(key);
    await expectAuthError(verifier.verify(noSub), 'token claim "sub" invalid');
  });

  it('checks issuer and audience when configured', async () => {
    const strict = new TokenVerifier({
      mode: 'hs256',
      secret: SECRET,
      issuer: 'iss',
      audience: 'aud',
    });
    const good = await mintDevToken({
      secret: SECRET,
      email: 'a@b.fr',
      issuer: 'iss',
      audience: 'aud',
    });
    await expect(strict.verify(good)).resolves.toMatchObject({ email: 'a@b.fr' });
    const wrongIssuer = await mintDevToken({
      secret: SECRET,
      email: 'a@b.fr',
      issuer: 'evil',
      audience: 'aud',
    });
    await expectAuthError(strict.verify(wrongIssuer), 'token claim "iss" invalid');
    const wrongAudience = await mintDevToken({
      secret: SECRET,
      email: 'a@b.fr',
      issuer: 'iss',
      audience: 'x',
    });
    await expectAuthError(strict.verify(wrongAudience), 'token claim "aud" invalid');
  });

  it('refuses a short secret at construction', () => {
    expect(() => new TokenVerifier({ mode: 'hs256', secret: 'short' })).toThrow(
      'Invalid auth configuration: secret: must be at least 32 characters',
    );
  });
});

describe('TokenVerifier (JWKS)', () => {
  let server: Server;
  let jwksUrl: string;
  let privateKey: CryptoKey;

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    privateKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) =>
      server.close(() => {
        resolve();
      }),
    );
  });

  function sign(
    key: CryptoKey,
    kid: string,
    claims: { iss: string; aud: string },
  ): Promise<string> {
    return new SignJWT({ email: 'idp@example.fr' })
      .setProtectedHeader({ alg: 'ES256', kid })
      .setSubject('idp-subject')
      .setIssuer(claims.iss)
      .setAudience(claims.aud)
      .setExpirationTime('5m')
      .sign(key);
  }

  it('verifies a token signed by a key of the set, with issuer and audience', async () => {
    const jwks = new TokenVerifier({
      mode: 'jwks',
      jwksUrl,
      issuer: 'https://idp.example',
      audience: 'outreach-api',
      algorithms: ['ES256'],
    });
    const token = await sign(privateKey, 'k1', { iss: 'https://idp.example', aud: 'outreach-api' });
    await expect(jwks.verify(token)).resolves.toEqual({
      email: 'idp@example.fr',
      subject: 'idp-subject',
    });
    const otherAudience = await sign(privateKey, 'k1', {
      iss: 'https://idp.example',
      aud: 'other',
    });
    await expectAuthError(jwks.verify(otherAudience), 'token claim "aud" invalid');
  });

  it('rejects a token from a key outside the set, and an HS256 token', async () => {
    const jwks = new TokenVerifier({
      mode: 'jwks',
      jwksUrl,
      issuer: 'https://idp.example',
      audience: 'outreach-api',
      algorithms: ['RS256', 'ES256'],
    });
    const stranger = (await generateKeyPair('ES256')).privateKey;
    const token = await sign(stranger, 'k2', { iss: 'https://idp.example', aud: 'outreach-api' });
    await expectAuthError(jwks.verify(token), 'token signed by an unknown key');
    const hs = await mintDevToken({ secret: SECRET, email: 'a@b.fr' });
    await expectAuthError(jwks.verify(hs), 'token algorithm not allowed: expected RS256 or ES256');
  });

  it('requires issuer and audience with a JWKS', () => {
    expect(
      () =>
        new TokenVerifier({
          mode: 'jwks',
          jwksUrl: 'nope',
          issuer: '',
          audience: '',
          algorithms: [],
        }),
    ).toThrow(
      'Invalid auth configuration: jwksUrl: must be an absolute URL; issuer: required with a JWKS URL; ' +
        'audience: required with a JWKS URL; algorithms: at least one of RS256, ES256',
    );
  });
});
