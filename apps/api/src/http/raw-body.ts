import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * Reads bodies of these content types as a Buffer (`@Body()`), within each route's body limit
 * (`@BodyLimit`, else the app's 1 MiB: 413 beyond). For POST /inbound/:mailboxId's raw
 * RFC 822 messages.
 */
export function registerRawBodies(app: NestFastifyApplication, contentTypes: string[]): void {
  app
    .getHttpAdapter()
    .getInstance()
    .addContentTypeParser(contentTypes, { parseAs: 'buffer' }, (_request, body, done) => {
      done(null, body);
    });
}
