import { z } from 'zod';
import { serviceEnvShape, toServiceConfig } from '@outreach/service-kit/config';

/** The tracker's environment (PORT defaults to 3001). */
export const trackerConfigSchema = z
  .object({
    ...serviceEnvShape(3001),
  })
  .transform((env) => ({ ...toServiceConfig(env) }));

export type TrackerConfig = z.output<typeof trackerConfigSchema>;
