import { Controller, Get, HttpCode, Logger, Param, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import {
  UNSUBSCRIBE_PAGE_HEADERS,
  confirmationPage,
  retryPage,
  unsubscribedPage,
} from './unsubscribe-page.js';
import { UnsubscribeService } from './unsubscribe.service.js';

/**
 * Public: the List-Unsubscribe link. `GET /u/<token>` shows the confirmation page; `POST
 * /u/<token>` (RFC 8058 one-click: no cookie, no confirmation, any body) unsubscribes and
 * answers 200 — the same answer for an unknown or malformed token (no enumeration), and again
 * when repeated. When the database cannot store it: 500, so that the client retries.
 */
@Controller('u')
export class UnsubscribeController {
  readonly #logger = new Logger(UnsubscribeController.name);

  constructor(private readonly unsubscribes: UnsubscribeService) {}

  @Get(':token')
  confirm(@Res() reply: FastifyReply): void {
    void reply.code(200).headers(UNSUBSCRIBE_PAGE_HEADERS).send(confirmationPage());
  }

  @Post(':token')
  @HttpCode(200)
  async unsubscribe(@Param('token') token: string, @Res() reply: FastifyReply): Promise<void> {
    try {
      await this.unsubscribes.unsubscribe(token);
    } catch (error) {
      this.#logger.error(`unsubscribe not stored, answered 500 for a retry: ${String(error)}`);
      void reply.code(500).headers(UNSUBSCRIBE_PAGE_HEADERS).send(retryPage());
      return;
    }
    void reply.code(200).headers(UNSUBSCRIBE_PAGE_HEADERS).send(unsubscribedPage());
  }
}
