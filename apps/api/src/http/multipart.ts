import multipart from '@fastify/multipart';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * Lets routes read `multipart/form-data` uploads as streams (`request.file({ limits })`, e.g. the
 * suppression CSV import). It only adds a parser for that content type: JSON bodies and their
 * 1 MiB limit are unchanged, and a route that does not call `request.file()` never sees a part.
 * Each route sets its own size limits when it reads the file.
 */
export async function registerMultipart(app: NestFastifyApplication): Promise<void> {
  await app.register(multipart, { limits: { files: 1, fields: 20, parts: 21 } });
}
