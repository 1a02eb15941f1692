import { Body, Controller, Headers, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiParam,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { MAX_PUSHED_MESSAGE_BYTES } from '@outreach/jobs';
import { Public, RequirePermission } from '@outreach/tenancy/http';
import { BodyLimit } from '../../http/body-limit.js';
import {
  InboundService,
  type InboundSecretView,
  type PushedMessageView,
} from './inbound.service.js';

/** Content types of a pushed raw message (registered as buffer parsers in api.definition). */
export const RAW_MESSAGE_TYPES = ['message/rfc822', 'application/octet-stream'];

/**
 * POST /inbound/:mailboxId: a raw RFC 822 message pushed by a mail server or a forwarding
 * service, authenticated by the mailbox's secret (`Authorization: Bearer <secret>`; 401, the same
 * answer, for an unknown mailbox, a missing or a wrong secret), at most MAX_PUSHED_MESSAGE_BYTES
 * (413 beyond). 202: enqueued for the worker, which matches, classifies and acts on it as on a
 * message read by IMAP.
 */
@ApiTags('inbound')
@Controller('inbound')
export class InboundController {
  constructor(private readonly inbound: InboundService) {}

  @Post(':mailboxId')
  @Public()
  @HttpCode(202)
  @BodyLimit(MAX_PUSHED_MESSAGE_BYTES)
  @ApiConsumes(...RAW_MESSAGE_TYPES)
  @ApiBody({
    description: `the raw RFC 822 message, at most ${String(MAX_PUSHED_MESSAGE_BYTES)} bytes`,
    schema: { type: 'string', format: 'binary' },
  })
  @ApiBearerAuth()
  @ApiAcceptedResponse({ description: 'enqueued: { accepted: true, jobId }' })
  @ApiUnauthorizedResponse({ description: 'unknown mailbox, missing or wrong secret' })
  push(
    @Param('mailboxId') mailboxId: string,
    @Headers('authorization') authorization: string | undefined,
    @Body() body: unknown,
  ): Promise<PushedMessageView> {
    return this.inbound.push(mailboxId, authorization, body);
  }
}

/** POST /organisations/:organisationId/mailboxes/:mailboxId/inbound-secret: a new push secret. */
@ApiTags('mailboxes')
@ApiBearerAuth()
@ApiParam({ name: 'organisationId', format: 'uuid' })
@Controller('organisations/:organisationId/mailboxes')
export class InboundSecretController {
  constructor(private readonly inbound: InboundService) {}

  /**
   * Generates the mailbox's push secret (replacing any previous one) and answers it once:
   * only its SHA-256 is stored. Use it as `Authorization: Bearer <secret>` on
   * POST /inbound/:mailboxId.
   */
  @Post(':mailboxId/inbound-secret')
  @RequirePermission('mailboxes:write')
  @ApiCreatedResponse({ description: '{ mailboxId, secret } — the secret is shown only now' })
  regenerate(@Param('mailboxId', ParseUUIDPipe) mailboxId: string): Promise<InboundSecretView> {
    return this.inbound.regenerateSecret(mailboxId);
  }
}
