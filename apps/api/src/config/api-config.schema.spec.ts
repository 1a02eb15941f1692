import { ConfigError, parseConfig } from '@outreach/service-kit/config';
import { apiConfigSchema, DEV_MAILBOX_SECRET_KEYS } from './api-config.schema.js';

const BASE = {
  DATABASE_URL: 'postgres://outreach@127.0.0.1:1/outreach',
  REDIS_URL: 'redis://127.0.0.1:1',
};
const KEY = Buffer.alloc(32, 1).toString('base64');
const PRODUCTION = {
  ...BASE,
  NODE_ENV: 'production',
  AUTH_JWT_SECRET: 'x'.repeat(32),
  CURSOR_SECRET: 'y'.repeat(16),
};

describe('api config: MAILBOX_SECRET_KEYS and MAILBOX_VERIFY_TIMEOUT_MS', () => {
  it('uses the fixed development key outside production, and a 10 s verify timeout', () => {
    const config = parseConfig(apiConfigSchema, BASE);
    expect(config.mailboxSecrets.currentKeyId).toBe(DEV_MAILBOX_SECRET_KEYS.split(':')[0]);
    expect(config.mailboxVerifyTimeoutMs).toBe(10_000);
  });

  it('reads a key ring whose first key is current', () => {
    const config = parseConfig(apiConfigSchema, {
      ...PRODUCTION,
      MAILBOX_SECRET_KEYS: `k2:${KEY},k1:${Buffer.alloc(32, 2).toString('base64')}`,
    });
    expect(config.mailboxSecrets.keyIds).toEqual(['k2', 'k1']);
  });

  it.each([
    [{ ...PRODUCTION }, 'Invalid configuration: MAILBOX_SECRET_KEYS: required in production'],
    [
      { ...BASE, MAILBOX_SECRET_KEYS: `k1:${Buffer.alloc(16).toString('base64')}` },
      'Invalid configuration: MAILBOX_SECRET_KEYS: key "k1" must be 32 bytes (base64 of 32 random bytes), got 16',
    ],
    [
      { ...BASE, MAILBOX_SECRET_KEYS: `k1:${KEY},k1:${KEY}` },
      'Invalid configuration: MAILBOX_SECRET_KEYS: key id "k1" appears twice',
    ],
    [
      { ...BASE, MAILBOX_VERIFY_TIMEOUT_MS: '5' },
      'Invalid configuration: MAILBOX_VERIFY_TIMEOUT_MS: expected a number between 100 and 60000',
    ],
  ])('refuses to start with one line (case %#)', (env, message) => {
    expect(() => parseConfig(apiConfigSchema, env)).toThrow(new ConfigError(message));
    try {
      parseConfig(apiConfigSchema, env);
    } catch (error) {
      expect(String(error)).not.toContain(KEY);
    }
  });
});
