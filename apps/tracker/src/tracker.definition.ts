import type { HttpServiceDefinition } from '@outreach/service-kit/http';
import { AppModule } from './app.module.js';
import { trackerConfigSchema, type TrackerConfig } from './config/tracker-config.schema.js';
import { pixelFrameworkErrors } from './pixel/pixel-framework-errors.js';

/** The tracker as an HTTP service: used by main.ts and by the e2e tests. */
export const trackerService: HttpServiceDefinition<TrackerConfig> = {
  service: 'tracker',
  schema: trackerConfigSchema,
  module: (config) => AppModule.forRoot(config),
  fastify: {
    // Tokens are long; a longer segment is still answered with the image.
    maxParamLength: 2048,
    frameworkErrors: pixelFrameworkErrors,
  },
};
