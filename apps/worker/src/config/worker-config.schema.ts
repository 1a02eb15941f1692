import { z } from 'zod';
import { serviceEnvShape, toServiceConfig } from '@outreach/service-kit/config';
import { llmEnvShape, refineLlmEnv, toLlmConfig } from '../llm/llm-config.js';

/**
 * The worker's environment (PORT, default 3002, serves only /health/live and /health/ready).
 * - LLM_BASE_URL + LLM_API_KEY, LLM_MODEL, LLM_TIMEOUT_MS, LLM_MAX_RETRIES: the LLM of prompt
 *   steps (`llm`, null when LLM_BASE_URL is unset; see src/llm/llm-config.ts).
 */
export const workerConfigSchema = z
  .object({
    ...serviceEnvShape(3002),
    ...llmEnvShape,
  })
  .superRefine((env, context) => {
    refineLlmEnv(env, context);
  })
  .transform((env) => ({ ...toServiceConfig(env), llm: toLlmConfig(env) }));

export type WorkerConfig = z.output<typeof workerConfigSchema>;
