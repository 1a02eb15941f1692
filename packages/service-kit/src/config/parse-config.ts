import type { z } from 'zod';
import { ConfigError } from './config.error.js';
import { MISSING_REDIS } from './redis-target.js';

/** Environment as Node gives it: every value a string, or absent. */
export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Validates the environment once, at start-up, into a typed object. Empty values count as
 * missing. On failure the error names every bad variable, e.g.
 * `Invalid configuration: DATABASE_URL: required; PORT: expected a number between 1 and 65535`.
 */
export function parseConfig<S extends z.ZodType>(schema: S, env: Environment): z.output<S> {
  const present: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value !== '') present[key] = value;
  }
  const result = schema.safeParse(present);
  if (result.success) return result.data;
  const problems = new Map<string, string>();
  for (const issue of result.error.issues) {
    const key = issue.path.map(String).join('.') || '(environment)';
    if (!problems.has(key)) problems.set(key, issue.message);
  }
  // REDIS_URL or REDIS_CLUSTER_NODES is a rule across two variables, checked once the rest is
  // valid (toServiceConfig); name it here too, so one message lists every missing variable.
  if (!present.REDIS_URL && !present.REDIS_CLUSTER_NODES && knowsVariable(schema, 'REDIS_URL')) {
    problems.set('REDIS_URL', MISSING_REDIS);
  }
  const detail = [...problems].map(([key, message]) => `${key}: ${message}`).join('; ');
  throw new ConfigError(`Invalid configuration: ${detail}`);
}

/** True when `schema` reads `variable` (it reports an issue on a value that cannot be valid). */
function knowsVariable(schema: z.ZodType, variable: string): boolean {
  const probe = schema.safeParse({ [variable]: '\u0000' });
  return !probe.success && probe.error.issues.some((issue) => issue.path[0] === variable);
}
