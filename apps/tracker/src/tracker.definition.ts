import type { HttpServiceDefinition } from '@outreach/service-kit/http';
import { AppModule } from './app.module.js';
import { trackerConfigSchema, type TrackerConfig } from './config/tracker-config.schema.js';
import { pixelFrameworkErrors } from './pixel/pixel-framework-errors.js';

/** Request bodies: only the one-click unsubscribe POST has one (`List-Unsubscribe=One-Click`). */
const BODY_LIMIT = 4_096;

/** The tracker as an HTTP service: used by main.ts and by the e2e tests. */
export const trackerService: HttpServiceDefinition<TrackerConfig> = {
  service: 'tracker',
  schema: trackerConfigSchema,
  module: (config) => AppModule.forRoot(config),
  fastify: (config) => ({
    // Tokens are long; a longer segment is still answered with the image.
    maxParamLength: 2048,
    bodyLimit: BODY_LIMIT,
    frameworkErrors: pixelFrameworkErrors,
    // The client address opens are classified, rate-limited and stored (truncated) under.
    trustProxy: config.trustProxy,
  }),
  configure: (app) => {
    // RFC 8058: the one-click POST is a form, urlencoded (Nest's adapter parses it) or multipart.
    // Its content says nothing the URL does not, so a multipart body is read (within the body
    // limit) and ignored.
    app
      .getHttpAdapter()
      .getInstance()
      .addContentTypeParser(
        'multipart/form-data',
        { parseAs: 'string' },
        (_request, _body, done) => {
          done(null, {});
        },
      );
  },
};
