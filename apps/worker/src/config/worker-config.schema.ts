import { z } from 'zod';
import { serviceEnvShape, toServiceConfig } from '@outreach/service-kit/config';

/** The worker's environment (PORT, default 3002, serves only /health/live and /health/ready). */
export const workerConfigSchema = z
  .object({
    ...serviceEnvShape(3002),
  })
  .transform((env) => ({ ...toServiceConfig(env) }));

export type WorkerConfig = z.output<typeof workerConfigSchema>;
