import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import {
  UNSUBSCRIBE_PAGE_HEADERS,
  confirmationPage,
  unsubscribedPage,
} from '../unsubscribe/unsubscribe-page.js';
import { PIXEL_CACHE_CONTROL, TRANSPARENT_GIF } from './transparent-gif.js';

/**
 * Fastify refuses some URLs before Nest sees them (bad percent-encoding). On a pixel path
 * the answer is still the image; on an unsubscribe path the page an unknown token gets (such a
 * URL names no token: nothing to store); elsewhere a 400 that says what is wrong.
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
  if (request.url.startsWith('/u/') && (request.method === 'GET' || request.method === 'POST')) {
    void reply
      .code(200)
      .headers(UNSUBSCRIBE_PAGE_HEADERS)
      .send(request.method === 'GET' ? confirmationPage() : unsubscribedPage());
    return;
  }
  void reply.code(400).send({ statusCode: 400, error: 'Bad Request', message: error.message });
}
