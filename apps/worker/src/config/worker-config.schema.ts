import { z } from 'zod';
import {
  integer,
  parsed,
  serviceEnvShape,
  text,
  toServiceConfig,
  url,
} from '@outreach/service-kit/config';
import { DEV_MAILBOX_SECRET_KEYS, SecretKeyRing } from '@outreach/secrets';
import { llmEnvShape, refineLlmEnv, toLlmConfig } from '../llm/llm-config.js';

/**
 * Send jobs one worker process runs at once, by default. A send spends most of its time waiting:
 * on the SMTP server (a provider answers in 0.1–1 s; the mailbox's pool holds the sends beyond
 * its SMTP_POOL_CONNECTIONS) and on PostgreSQL, where the statements of the sends in flight go
 * together (TenantDatabase.batchedStatement): the more in flight, the fewer round trips per
 * send. On the send bench (local sink, one mailbox, 12,000 mails): 20 → 0.31 round trips and
 * 1.26–1.57 ms of PostgreSQL CPU per mail, 372–449 mails/s; 100 → 0.12 and 0.94 ms, 532
 * mails/s; 200 was no faster (470). At most 200: UNLOCKED_HEADROOM counts on it.
 */
export const DEFAULT_DELIVERY_CONCURRENCY = 100;

/**
 * The worker's environment. Beyond the common service variables (PORT, default 3002: health,
 * metrics and Bull Board):
 * - MAILBOX_SECRET_KEYS (`id:base64,…`, as the api's): decrypts mailbox passwords, only in
 *   memory, only to send; required in production;
 * - TRACKER_PUBLIC_URL (http(s), default http://localhost:3001): where the pixel and the
 *   one-click unsubscribe links of every sent e-mail point;
 * - DELIVERY_CONCURRENCY (1-200, default 100, DEFAULT_DELIVERY_CONCURRENCY): send jobs one
 *   worker process runs at once;
 * - CLAIM_EVERY_MS (100-60000, default 1000), CLAIM_BATCH_SIZE (1-1000, default 200),
 *   CLAIM_LEASE_SECONDS (1-3600, default 300): the scheduler's cadence, batch and lease (a
 *   claimed task whose worker dies is claimed again after the lease);
 * - SMTP_POOL_CONNECTIONS (1-50, default 5), SMTP_TIMEOUT_MS (1000-300000, default 60000);
 * - WORKER_ID (default `<hostname>:<pid>`): the lease owner written on claimed tasks;
 * - EXPERIMENT_EVALUATION_EVERY_MS (1000-86400000, default 300000): how often the running A/B
 *   experiments with auto-completion are evaluated (and completed when a variant wins);
 * - STATS_ROLLUP_EVERY_MS (1000-86400000, default 60000): how often the campaigns whose stats
 *   changed get their rollup rebuilt from the data (the stats endpoints read it);
 * - STATISTICS_CHECK_EVERY_MS (500-3600000, default 1000): how often the tables that got their
 *   first rows are analysed (platform.analyze_tables_without_statistics: a catalog query when
 *   there is none; until then their plans pick indexes blind, see V20251231_600000);
 * - BULL_BOARD_USERNAME + BULL_BOARD_PASSWORD: the HTTP Basic login of Bull Board (`/queues`);
 *   both or neither (one alone is an error); neither → the board is not mounted (404), in
 *   every environment; in production the password must have at least 16 characters;
 * - INBOUND_POLL_INTERVAL_MS (1000-3600000, default 60000): how often every mailbox with IMAP
 *   settings is read; INBOUND_IDLE (true/false, default true): between polls, wait in IMAP IDLE
 *   for new mail when the server offers it (the sync job then holds the connection for up to
 *   one poll interval); INBOUND_CONCURRENCY (1-100, default 4): mailboxes read at once;
 *   INBOUND_MAX_MESSAGE_BYTES (65536-52428800, default 10485760): a larger message is read only
 *   up to this (its headers and first parts classify it); IMAP_TIMEOUT_MS (1000-300000, default
 *   30000): each IMAP network stage;
 * - LLM_BASE_URL + LLM_API_KEY, LLM_MODEL, LLM_TIMEOUT_MS, LLM_MAX_RETRIES: the LLM of prompt
 *   steps (`llm`, null when LLM_BASE_URL is unset; see src/llm/llm-config.ts).
 */
export const workerConfigSchema = z
  .object({
    ...serviceEnvShape(3002),
    MAILBOX_SECRET_KEYS: parsed((value) => SecretKeyRing.parse(value)).optional(),
    TRACKER_PUBLIC_URL: url(['http:', 'https:']).default('http://localhost:3001'),
    DELIVERY_CONCURRENCY: integer(1, 200, DEFAULT_DELIVERY_CONCURRENCY),
    CLAIM_EVERY_MS: integer(100, 60_000, 1_000),
    CLAIM_BATCH_SIZE: integer(1, 1_000, 200),
    CLAIM_LEASE_SECONDS: integer(1, 3_600, 300),
    SMTP_POOL_CONNECTIONS: integer(1, 50, 5),
    SMTP_TIMEOUT_MS: integer(1_000, 300_000, 60_000),
    WORKER_ID: text().optional(),
    EXPERIMENT_EVALUATION_EVERY_MS: integer(1_000, 86_400_000, 300_000),
    STATS_ROLLUP_EVERY_MS: integer(1_000, 86_400_000, 60_000),
    STATISTICS_CHECK_EVERY_MS: integer(500, 3_600_000, 1_000),
    INBOUND_POLL_INTERVAL_MS: integer(1_000, 3_600_000, 60_000),
    INBOUND_IDLE: z.enum(['true', 'false']).default('true'),
    INBOUND_CONCURRENCY: integer(1, 100, 4),
    INBOUND_MAX_MESSAGE_BYTES: integer(65_536, 52_428_800, 10_485_760),
    IMAP_TIMEOUT_MS: integer(1_000, 300_000, 30_000),
    BULL_BOARD_USERNAME: text().optional(),
    BULL_BOARD_PASSWORD: text().optional(),
    ...llmEnvShape,
  })
  .superRefine((env, context) => {
    refineLlmEnv(env, context);
    refineBoardEnv(env, context);
    if (env.NODE_ENV === 'production' && !env.MAILBOX_SECRET_KEYS) {
      context.addIssue({
        code: 'custom',
        path: ['MAILBOX_SECRET_KEYS'],
        message: 'required in production',
      });
    }
  })
  .transform((env) => ({
    ...toServiceConfig(env),
    mailboxSecrets: env.MAILBOX_SECRET_KEYS ?? SecretKeyRing.parse(DEV_MAILBOX_SECRET_KEYS),
    delivery: {
      trackerPublicUrl: env.TRACKER_PUBLIC_URL.replace(/\/+$/, ''),
      concurrency: env.DELIVERY_CONCURRENCY,
      claimEveryMs: env.CLAIM_EVERY_MS,
      claimBatchSize: env.CLAIM_BATCH_SIZE,
      claimLeaseSeconds: env.CLAIM_LEASE_SECONDS,
      smtpPoolConnections: env.SMTP_POOL_CONNECTIONS,
      smtpTimeoutMs: env.SMTP_TIMEOUT_MS,
      workerId: env.WORKER_ID ?? null,
    },
    inbound: {
      pollIntervalMs: env.INBOUND_POLL_INTERVAL_MS,
      idle: env.INBOUND_IDLE === 'true',
      concurrency: env.INBOUND_CONCURRENCY,
      maxMessageBytes: env.INBOUND_MAX_MESSAGE_BYTES,
      imapTimeoutMs: env.IMAP_TIMEOUT_MS,
    },
    experiments: { evaluationEveryMs: env.EXPERIMENT_EVALUATION_EVERY_MS },
    stats: {
      rollupEveryMs: env.STATS_ROLLUP_EVERY_MS,
      statisticsCheckEveryMs: env.STATISTICS_CHECK_EVERY_MS,
    },
    llm: toLlmConfig(env),
    bullBoard:
      env.BULL_BOARD_USERNAME !== undefined && env.BULL_BOARD_PASSWORD !== undefined
        ? { username: env.BULL_BOARD_USERNAME, password: env.BULL_BOARD_PASSWORD }
        : null,
  }));

/** Bull Board's login: both variables or neither; a long enough password in production. */
function refineBoardEnv(
  env: {
    NODE_ENV: string;
    BULL_BOARD_USERNAME?: string | undefined;
    BULL_BOARD_PASSWORD?: string | undefined;
  },
  context: z.RefinementCtx,
): void {
  const { BULL_BOARD_USERNAME: username, BULL_BOARD_PASSWORD: password } = env;
  if (username !== undefined && password === undefined) {
    context.addIssue({
      code: 'custom',
      path: ['BULL_BOARD_PASSWORD'],
      message: 'required when BULL_BOARD_USERNAME is set (or unset both to disable Bull Board)',
    });
  }
  if (password !== undefined && username === undefined) {
    context.addIssue({
      code: 'custom',
      path: ['BULL_BOARD_USERNAME'],
      message: 'required when BULL_BOARD_PASSWORD is set (or unset both to disable Bull Board)',
    });
  }
  if (env.NODE_ENV === 'production' && password !== undefined && password.length < 16) {
    context.addIssue({
      code: 'custom',
      path: ['BULL_BOARD_PASSWORD'],
      message: 'must have at least 16 characters in production',
    });
  }
}

export type WorkerConfig = z.output<typeof workerConfigSchema>;
