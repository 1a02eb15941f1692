import type { z } from 'zod';
import { integer, text, url } from '@outreach/service-kit/config';

/** An OpenAI-compatible chat-completions endpoint and how to call it. */
export interface LlmConfig {
  /** e.g. `https://api.openai.com/v1` or a local server's `http://127.0.0.1:8080/v1`. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer …`; never logged, never in an error message. */
  apiKey: string;
  /** Used when the prompt names none (outreach.prompts.model). */
  model: string;
  /** One request's timeout; the client retries a timed-out request `maxRetries` times. */
  timeoutMs: number;
  /** Retries of a timeout, a connection error, 408/409/429 or 5xx (the openai client's). */
  maxRetries: number;
}

export const DEFAULT_LLM_MODEL = 'gpt-4o-mini';

/**
 * The LLM variables of the worker's environment, spread into its `z.object`:
 * - LLM_BASE_URL (http(s)): the OpenAI-compatible endpoint; unset, prompt steps cannot be
 *   written (`not_configured`);
 * - LLM_API_KEY: its bearer key, required with LLM_BASE_URL (and useless without it);
 * - LLM_MODEL (default gpt-4o-mini): the model of a prompt that names none;
 * - LLM_TIMEOUT_MS (1000-300000, default 20000): one request's timeout;
 * - LLM_MAX_RETRIES (0-10, default 2): retries of a timeout, connection error, 429 or 5xx.
 */
export const llmEnvShape = {
  LLM_BASE_URL: url(['http:', 'https:']).optional(),
  LLM_API_KEY: text().optional(),
  LLM_MODEL: text(DEFAULT_LLM_MODEL),
  LLM_TIMEOUT_MS: integer(1_000, 300_000, 20_000),
  LLM_MAX_RETRIES: integer(0, 10, 2),
};

export type LlmEnv = z.output<z.ZodObject<typeof llmEnvShape>>;

/** A base URL without a key, or a key without a base URL, is an issue naming the missing one. */
export function refineLlmEnv(env: LlmEnv, context: z.RefinementCtx): void {
  if (env.LLM_BASE_URL !== undefined && env.LLM_API_KEY === undefined) {
    context.addIssue({
      code: 'custom',
      path: ['LLM_API_KEY'],
      message: 'required with LLM_BASE_URL',
    });
  }
  if (env.LLM_API_KEY !== undefined && env.LLM_BASE_URL === undefined) {
    context.addIssue({
      code: 'custom',
      path: ['LLM_BASE_URL'],
      message: 'required with LLM_API_KEY',
    });
  }
}

/** `null` when no LLM is configured. */
export function toLlmConfig(env: LlmEnv): LlmConfig | null {
  if (env.LLM_BASE_URL === undefined || env.LLM_API_KEY === undefined) return null;
  return {
    baseUrl: env.LLM_BASE_URL,
    apiKey: env.LLM_API_KEY,
    model: env.LLM_MODEL,
    timeoutMs: env.LLM_TIMEOUT_MS,
    maxRetries: env.LLM_MAX_RETRIES,
  };
}
