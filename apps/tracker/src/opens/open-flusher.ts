import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { InvalidInputError, type OrganisationId } from '@outreach/db';
import { SystemDatabase, MAX_TOKENS_PER_RESOLVE } from '@outreach/db/system';
import { SERVICE_CONFIG } from '@outreach/service-kit/config';
import { TenantDatabase } from '@outreach/tenancy';
import { QueryFailedError } from 'typeorm';
import type { TrackerConfig } from '../config/tracker-config.schema.js';
import { afterSend } from './open-classifier.js';
import { OpenBuffer, type BufferedOpen } from './open-buffer.js';
import { SharedFloodCheck } from './shared-flood-check.js';
import { tallyOpens, type ClassifiedOpen } from './open-tally.js';
import { TrackerMetrics } from './tracker-metrics.js';

/** A batch the database refused this many times is dropped (counted, logged): a bug, not an outage. */
const MAX_REFUSALS = 3;
const MAX_BACKOFF_MS = 5_000;
/** Part of SHUTDOWN_TIMEOUT_MS the drain may use before giving up (the rest: closing the pool). */
const DRAIN_SHARE = 0.8;

type FlushResult = 'empty' | 'flushed' | 'failed';

/**
 * Writes the OpenBuffer to PostgreSQL in batches: takes up to OPEN_FLUSH_BATCH_SIZE opens,
 * drops those over the flood limits shared by every tracker (SharedFloodCheck, in Redis), resolves their tokens in one statement through the system path (organisation and message),
 * then per organisation one tenant transaction: the messages' send times (too-soon opens become
 * machine opens) and one multi-row upsert into tracking.message_open_stats. Runs again at once
 * while a full batch waits, else every OPEN_FLUSH_INTERVAL_MS. A failed flush puts its opens
 * back and backs off (PostgreSQL down: they wait, bounded by the buffer). On shutdown (after the
 * HTTP server has closed) it drains the buffer, for at most 80 % of SHUTDOWN_TIMEOUT_MS.
 */
@Injectable()
export class OpenFlusher implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly #logger = new Logger('OpenFlusher');
  readonly #config: TrackerConfig;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<FlushResult> | undefined;
  #failures = 0;
  #stopped = false;
  /** Opens of the flush in progress to hand back to the buffer (not written). */
  #kept: BufferedOpen[] = [];

  constructor(
    @Inject(SERVICE_CONFIG) config: TrackerConfig,
    private readonly buffer: OpenBuffer,
    private readonly system: SystemDatabase,
    private readonly tenants: TenantDatabase,
    private readonly metrics: TrackerMetrics,
    private readonly flood: SharedFloodCheck,
  ) {
    this.#config = config;
  }

  onApplicationBootstrap(): void {
    this.#schedule(this.#config.opens.flushIntervalMs);
  }

  async onApplicationShutdown(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
    const deadline = Date.now() + this.#config.shutdownTimeoutMs * DRAIN_SHARE;
    let delay = 50;
    while (this.buffer.size > 0 && Date.now() < deadline) {
      const result = await this.flush();
      if (result === 'failed') {
        await sleep(Math.min(delay, Math.max(0, deadline - Date.now())));
        delay = Math.min(delay * 2, 1_000);
      }
    }
    if (this.buffer.size > 0) {
      const lost = this.buffer.size;
      this.buffer.finish(this.buffer.take(lost).length, []);
      this.metrics.opensIgnored.inc({ reason: 'shutdown' }, lost);
      this.#logger.error(
        `shutting down with ${lost} open(s) not written: the database did not answer in time`,
      );
    } else {
      this.#logger.log('open buffer drained');
    }
    this.flood.close();
  }

  /** One flush (no two at once): 'empty' when nothing waited, 'failed' when opens were put back. */
  flush(): Promise<FlushResult> {
    this.#running ??= this.#flushBatch().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  #schedule(delay: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      void this.flush().then((result) => {
        if (result === 'failed') {
          this.#failures += 1;
          const backoff = this.#config.opens.flushIntervalMs * 2 ** this.#failures;
          this.#schedule(Math.min(backoff, MAX_BACKOFF_MS));
          return;
        }
        this.#failures = 0;
        const full = this.buffer.size >= this.#config.opens.flushBatchSize;
        this.#schedule(full ? 0 : this.#config.opens.flushIntervalMs);
      });
    }, delay);
  }

  async #flushBatch(): Promise<FlushResult> {
    const batchSize = Math.min(this.#config.opens.flushBatchSize, MAX_TOKENS_PER_RESOLVE);
    const batch = this.buffer.take(batchSize);
    if (batch.length === 0) {
      this.buffer.finish(0, []);
      return 'empty';
    }
    this.#kept = [];
    try {
      return await this.#write(batch);
    } finally {
      this.buffer.finish(batch.length, this.#kept);
      this.#kept = [];
    }
  }

  async #write(taken: BufferedOpen[]): Promise<FlushResult> {
    const stop = this.metrics.flushDuration.startTimer();
    const batch = await this.flood.admit(taken);
    let resolved;
    try {
      resolved = await this.system.resolveTrackingTokens(batch.map((open) => open.token));
    } catch (error) {
      this.#keep(batch, error);
      stop();
      return 'failed';
    }
    const byOrganisation = new Map<OrganisationId, { open: BufferedOpen; messageId: string }[]>();
    let unknown = 0;
    for (const open of batch) {
      const found = resolved.get(open.token);
      if (!found) {
        unknown += 1;
        continue;
      }
      const list = byOrganisation.get(found.organisationId) ?? [];
      list.push({ open, messageId: found.messageId });
      byOrganisation.set(found.organisationId, list);
    }
    if (unknown > 0) this.metrics.opensIgnored.inc({ reason: 'unknown_token' }, unknown);
    const results = await Promise.all(
      [...byOrganisation].map(([organisationId, opens]) =>
        this.#writeOrganisation(organisationId, opens),
      ),
    );
    stop();
    return results.every(Boolean) ? 'flushed' : 'failed';
  }

  /** One organisation's opens in one tenant transaction; false when they were put back. */
  async #writeOrganisation(
    organisationId: OrganisationId,
    opens: { open: BufferedOpen; messageId: string }[],
  ): Promise<boolean> {
    try {
      const { recorded, deleted } = await this.tenants.transactionFor(
        { organisationId, userId: null, role: 'system' },
        async ({ repositories }) => {
          const messageIds = [...new Set(opens.map((entry) => entry.messageId))];
          const tracked = await repositories.openStats.trackedMessages(organisationId, messageIds);
          const sentAt = new Map(tracked.map((message) => [message.messageId, message.sentAt]));
          const classified: ClassifiedOpen[] = [];
          for (const { open, messageId } of opens) {
            if (!sentAt.has(messageId)) continue;
            const sent = sentAt.get(messageId) ?? null;
            classified.push({
              messageId,
              openedAt: open.openedAt,
              classification: afterSend(
                open.classification,
                open.openedAt,
                sent === null ? null : sent.getTime(),
                this.#config.opens.tooSoonMs,
              ),
              userAgent: open.userAgent,
              ipNetwork: open.ipNetwork,
            });
          }
          await repositories.openStats.record(organisationId, tallyOpens(classified));
          return { recorded: classified, deleted: opens.length - classified.length };
        },
      );
      for (const open of recorded)
        this.metrics.opensRecorded.inc({ kind: open.classification.kind });
      if (deleted > 0) this.metrics.opensIgnored.inc({ reason: 'deleted_message' }, deleted);
      return true;
    } catch (error) {
      this.#keep(
        opens.map((entry) => entry.open),
        error,
      );
      return false;
    }
  }

  /** Puts opens back after a failure; the ones the database keeps refusing are dropped. */
  #keep(opens: BufferedOpen[], error: unknown): void {
    this.metrics.flushFailures.inc();
    if (!isRefusal(error)) {
      this.#logger.warn(`${opens.length} open(s) kept for the next flush: ${String(error)}`);
      this.#kept.push(...opens);
      return;
    }
    const retry = opens.filter((open) => {
      open.refusals += 1;
      return open.refusals < MAX_REFUSALS;
    });
    const dropped = opens.length - retry.length;
    if (dropped > 0) {
      this.metrics.opensIgnored.inc({ reason: 'refused' }, dropped);
      this.#logger.error(
        `${dropped} open(s) dropped, refused ${MAX_REFUSALS} times: ${String(error)}`,
      );
    } else {
      this.#logger.warn(`${opens.length} open(s) refused, will retry: ${String(error)}`);
    }
    this.#kept.push(...retry);
  }
}

/**
 * The database answered and refused the statement (a bug or bad data: retrying will not help
 * forever), as opposed to an outage (connection refused or lost, server shutting down, timeout,
 * serialization failure), after which the opens wait.
 */
function isRefusal(error: unknown): boolean {
  if (error instanceof InvalidInputError) return true;
  if (!(error instanceof QueryFailedError)) return false;
  const code: unknown = (error.driverError as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return false;
  return !/^(08|40|53|57|58|XX)/.test(code);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
