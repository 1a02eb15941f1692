import { z } from 'zod';
import { serviceEnvShape, toServiceConfig } from '@outreach/service-kit/config';

/**
 * The api's environment. Add api-only variables here (e.g. JWT settings) and map them in
 * the transform; the result type is what `SERVICE_CONFIG` injects in the api.
 */
export const apiConfigSchema = z
  .object({
    ...serviceEnvShape(3000),
  })
  .transform((env) => ({ ...toServiceConfig(env) }));

export type ApiConfig = z.output<typeof apiConfigSchema>;
