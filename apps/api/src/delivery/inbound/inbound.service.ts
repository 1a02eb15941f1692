import { createHash } from 'node:crypto';
import {
  BadRequestException,
  Injectable,
  NotFoundException,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import { SystemDatabase } from '@outreach/db/system';
import { inboundQueue, JobProducer, JobQueueUnavailableError } from '@outreach/jobs';
import { runInTenantContext, TenantDatabase } from '@outreach/tenancy';
import {
  bearerToken,
  inboundSecretHash,
  inboundSecretMatches,
  newInboundSecret,
} from './inbound-secret.js';

/** The one answer to an unknown mailbox, a missing token and a wrong one (nothing to probe). */
const UNAUTHORISED = 'send Authorization: Bearer <the mailbox inbound secret>';

export interface InboundSecretView {
  mailboxId: string;
  /** Shown once: only its SHA-256 is kept. */
  secret: string;
}

export interface PushedMessageView {
  accepted: true;
  jobId: string;
}

/**
 * The push side of inbound mail: a per-mailbox secret (generated here, shown once, stored as a
 * hash) and POST /inbound/:mailboxId, which resolves the mailbox's organisation through the
 * system door, checks the secret in that organisation, and enqueues the raw message for the
 * worker's `process-message` (the pipeline IMAP-fetched mail goes through).
 */
@Injectable()
export class InboundService {
  constructor(
    private readonly system: SystemDatabase,
    private readonly database: TenantDatabase,
    private readonly producer: JobProducer,
  ) {}

  /** A new secret for the mailbox (the previous one stops working). */
  async regenerateSecret(mailboxId: string): Promise<InboundSecretView> {
    const secret = newInboundSecret();
    const updated = await this.database.transaction(({ repositories, organisationId }) =>
      repositories.inboundMail.setInboundSecretHash(
        organisationId,
        mailboxId,
        inboundSecretHash(secret),
      ),
    );
    if (!updated) throw new NotFoundException(`mailbox ${mailboxId} not found`);
    return { mailboxId, secret };
  }

  async push(
    mailboxId: string,
    authorization: string | undefined,
    body: unknown,
  ): Promise<PushedMessageView> {
    const token = bearerToken(authorization);
    const mailbox = await this.system.resolveInboundMailbox(mailboxId);
    const stored = mailbox
      ? await runInTenantContext(
          { organisationId: mailbox.organisationId, userId: null, role: 'system' },
          () =>
            this.database.transaction(async ({ repositories, organisationId }) => {
              const row = await repositories.inboundMail.mailbox(organisationId, mailboxId);
              return row?.inboundSecretHash ?? null;
            }),
        )
      : null;
    if (!inboundSecretMatches(token ?? '', stored) || !token || !mailbox) {
      throw new UnauthorizedException(UNAUTHORISED);
    }
    if (!Buffer.isBuffer(body) || body.length === 0) {
      throw new BadRequestException(
        'send the raw RFC 822 message as the body, with Content-Type message/rfc822 or application/octet-stream',
      );
    }
    if (!/^[\x21-\x39\x3b-\x7e]+:/.test(body.subarray(0, 1_000).toString('latin1'))) {
      throw new BadRequestException(
        'the body is not an RFC 822 message: it must start with a header line (Name: value)',
      );
    }
    const jobId = `push-${createHash('sha256').update(body).digest('hex').slice(0, 40)}`;
    try {
      await this.producer.enqueue(
        inboundQueue,
        'process-message',
        {
          organisationId: mailbox.organisationId,
          mailboxId,
          raw: body.toString('base64'),
          receivedAt: new Date().toISOString(),
        },
        { jobId },
      );
    } catch (error) {
      if (error instanceof JobQueueUnavailableError) {
        throw new ServiceUnavailableException('the job queue is unavailable: push again later');
      }
      throw error;
    }
    return { accepted: true, jobId };
  }
}
