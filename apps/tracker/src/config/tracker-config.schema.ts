import { z } from 'zod';
import { integer, parsed, serviceEnvShape, toServiceConfig } from '@outreach/service-kit/config';
import { parseTrustProxy } from './trust-proxy.js';

/** The tracker's environment (PORT defaults to 3001). */
export const trackerConfigSchema = z
  .object({
    ...serviceEnvShape(3001),
    /** Opens held in memory while PostgreSQL is slow or down; past it they are counted lost. */
    OPEN_BUFFER_CAPACITY: integer(1_000, 10_000_000, 200_000),
    /** Wait between flushes when fewer than a batch are waiting. */
    OPEN_FLUSH_INTERVAL_MS: integer(10, 60_000, 500),
    /** Opens per flush (one token resolution and one upsert per organisation). */
    OPEN_FLUSH_BATCH_SIZE: integer(1, 10_000, 5_000),
    /** A fetch within this many seconds of the send is a machine (scanners on delivery). */
    OPEN_TOO_SOON_SECONDS: integer(0, 3_600, 10),
    /** Opens counted per source (IPv4 address, IPv6 /64) per minute, all pixels (0: no limit). */
    OPEN_SOURCE_LIMIT_PER_MINUTE: integer(0, 10_000_000, 3_000),
    /** Opens of one pixel counted per source per minute (0: no limit). */
    OPEN_PIXEL_SOURCE_LIMIT_PER_MINUTE: integer(0, 10_000_000, 10),
    /**
     * Wait for the flood counters shared in Redis before a batch is written without them (the
     * in-memory limits still apply); the pixel never waits for Redis.
     */
    OPEN_SHARED_LIMIT_TIMEOUT_MS: integer(10, 60_000, 1_000),
    /** Proxies believed about the client address (X-Forwarded-For): see trust-proxy.ts. */
    TRUST_PROXY: parsed(parseTrustProxy).default(false),
  })
  .transform((env) => ({
    ...toServiceConfig(env),
    trustProxy: env.TRUST_PROXY,
    opens: {
      bufferCapacity: env.OPEN_BUFFER_CAPACITY,
      flushIntervalMs: env.OPEN_FLUSH_INTERVAL_MS,
      flushBatchSize: env.OPEN_FLUSH_BATCH_SIZE,
      tooSoonMs: env.OPEN_TOO_SOON_SECONDS * 1_000,
      sourceLimitPerMinute: env.OPEN_SOURCE_LIMIT_PER_MINUTE,
      pixelSourceLimitPerMinute: env.OPEN_PIXEL_SOURCE_LIMIT_PER_MINUTE,
      sharedLimitTimeoutMs: env.OPEN_SHARED_LIMIT_TIMEOUT_MS,
    },
  }));

export type TrackerConfig = z.output<typeof trackerConfigSchema>;
export type OpenRecordingConfig = TrackerConfig['opens'];
