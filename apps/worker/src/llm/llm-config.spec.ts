import { parseConfig } from '@outreach/service-kit/config';
import { workerConfigSchema } from '../config/worker-config.schema.js';

const base = {
  DATABASE_URL: 'postgres://app:secret@127.0.0.1:6432/outreach',
  REDIS_URL: 'redis://127.0.0.1:6379',
};

describe('worker LLM config', () => {
  it('is null without LLM_BASE_URL', () => {
    expect(parseConfig(workerConfigSchema, base).llm).toBeNull();
  });

  it('reads the endpoint, key, model, timeout and retries, with defaults', () => {
    const env = { ...base, LLM_BASE_URL: 'http://127.0.0.1:8080/v1', LLM_API_KEY: 'sk-test' };
    expect(parseConfig(workerConfigSchema, env).llm).toEqual({
      baseUrl: 'http://127.0.0.1:8080/v1',
      apiKey: 'sk-test',
      model: 'gpt-4o-mini',
      timeoutMs: 20_000,
      maxRetries: 2,
    });
    const tuned = parseConfig(workerConfigSchema, {
      ...env,
      LLM_MODEL: 'mistral-small',
      LLM_TIMEOUT_MS: '5000',
      LLM_MAX_RETRIES: '0',
    });
    expect(tuned.llm).toMatchObject({ model: 'mistral-small', timeoutMs: 5_000, maxRetries: 0 });
  });

  it('names the missing half of a URL without key or a key without URL, never the key', () => {
    expect(() =>
      parseConfig(workerConfigSchema, { ...base, LLM_BASE_URL: 'https://llm.example.fr/v1' }),
    ).toThrow('Invalid configuration: LLM_API_KEY: required with LLM_BASE_URL');
    let message = '';
    try {
      parseConfig(workerConfigSchema, { ...base, LLM_API_KEY: 'sk-very-secret' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe('Invalid configuration: LLM_BASE_URL: required with LLM_API_KEY');
  });

  it('refuses a URL that is not http(s) and a timeout out of range', () => {
    expect(() =>
      parseConfig(workerConfigSchema, {
        ...base,
        LLM_BASE_URL: 'ftp://llm.example.fr',
        LLM_API_KEY: 'sk-test',
        LLM_TIMEOUT_MS: '10',
      }),
    ).toThrow(
      'Invalid configuration: LLM_BASE_URL: expected a URL starting with http:// or https://; ' +
        'LLM_TIMEOUT_MS: expected a number between 1000 and 300000',
    );
  });
});
