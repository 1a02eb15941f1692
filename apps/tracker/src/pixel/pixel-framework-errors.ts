import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { PIXEL_CACHE_CONTROL, TRANSPARENT_GIF } from './transparent-gif.js';

/**
 * Fastify refuses some URLs before Nest sees them (bad percent-encoding). On a pixel path
 * the answer is still the image; elsewhere a 400 that says what is wrong.
 */
export function pixelFrameworkErrors(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  if (request.url.startsWith('/p/')) {
    void reply
      .code(200)
      .header('Content-Type', 'image/gif')
      .header('Cache-Control', PIXEL_CACHE_CONTROL)
      .send(TRANSPARENT_GIF);
    return;
  }
  void reply.code(400).send({ statusCode: 400, error: 'Bad Request', message: error.message });
}
