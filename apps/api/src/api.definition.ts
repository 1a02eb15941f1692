import type { HttpServiceDefinition } from '@outreach/service-kit/http';
import { AppModule } from './app.module.js';
import { apiConfigSchema, type ApiConfig } from './config/api-config.schema.js';
import { setupOpenApi } from './docs/openapi.js';
import { registerMultipart } from './http/multipart.js';
import { applyRouteBodyLimits } from './http/body-limit.js';
import { registerRawBodies } from './http/raw-body.js';
import { RAW_MESSAGE_TYPES } from './delivery/inbound/inbound.controller.js';

/** The api as an HTTP service: used by main.ts and by the e2e tests. */
export const apiService: HttpServiceDefinition<ApiConfig> = {
  service: 'api',
  schema: apiConfigSchema,
  module: (config) => AppModule.forRoot(config),
  // Fastify's default body limit (1 MiB) answers 413 to larger bodies.
  fastify: { bodyLimit: 1_048_576 },
  configure: async (app) => {
    await registerMultipart(app);
    registerRawBodies(app, RAW_MESSAGE_TYPES);
    applyRouteBodyLimits(app);
    setupOpenApi(app);
  },
};
