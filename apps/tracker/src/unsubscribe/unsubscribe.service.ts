import { Injectable } from '@nestjs/common';
import { normaliseSuppressionValue } from '@outreach/db';
import { SystemDatabase } from '@outreach/db/system';
import { TenantDatabase } from '@outreach/tenancy';
import { TrackerMetrics } from '../opens/tracker-metrics.js';

export type UnsubscribeOutcome = 'recorded' | 'unknown_token';

/**
 * One-click unsubscribe (RFC 8058), done before answering: it is rare and must not be lost. The
 * token (one per outbound message, shared with the pixel) is resolved through the system path;
 * then, in ONE tenant transaction of its organisation, the recipient's address is suppressed
 * (reason unsubscribed, source message) and the message's enrollment exits (unsubscribed, with
 * the message). Repeating it changes nothing. A database failure throws: the caller answers 500
 * so that the mail client retries, never 200 for an unsubscribe that was not stored.
 */
@Injectable()
export class UnsubscribeService {
  constructor(
    private readonly system: SystemDatabase,
    private readonly tenants: TenantDatabase,
    private readonly metrics: TrackerMetrics,
  ) {}

  async unsubscribe(token: string): Promise<UnsubscribeOutcome> {
    const outcome = await this.#unsubscribe(token).catch((error: unknown) => {
      this.metrics.unsubscribes.inc({ outcome: 'failed' });
      throw error;
    });
    this.metrics.unsubscribes.inc({ outcome });
    return outcome;
  }

  async #unsubscribe(token: string): Promise<UnsubscribeOutcome> {
    const resolved = await this.system.resolveTrackingToken(token);
    if (!resolved) return 'unknown_token';
    const { organisationId, messageId } = resolved;
    return this.tenants.transactionFor(
      { organisationId, userId: null, role: 'system' },
      async ({ repositories }) => {
        const message = await repositories.messages.find(organisationId, messageId);
        if (!message) return 'unknown_token';
        const address = normaliseSuppressionValue('email', message.toEmail);
        if (address.ok) {
          await repositories.suppressionList.addMany(organisationId, [
            {
              kind: 'email',
              value: address.value,
              reason: 'unsubscribed',
              sourceMessageId: messageId,
            },
          ]);
        }
        if (message.enrollmentId !== null) {
          await repositories.enrollmentExits.exit(organisationId, {
            enrollmentId: message.enrollmentId,
            reason: 'unsubscribed',
            messageId,
          });
        }
        return 'recorded';
      },
    );
  }
}
