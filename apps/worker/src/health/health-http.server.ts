import { getQueueToken } from '@nestjs/bullmq';
import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ALL_QUEUES } from '@outreach/jobs';
import { SERVICE_CONFIG } from '@outreach/service-kit/config';
import { ReadinessService, healthAnswer } from '@outreach/service-kit/health';
import { portError } from '@outreach/service-kit/http';
import type { Queue } from 'bullmq';
import { fastify, type FastifyInstance } from 'fastify';
import type { WorkerConfig } from '../config/worker-config.schema.js';
import { WORKER_METRICS } from '../delivery/delivery.metrics.js';
import { mountBullBoard } from './bull-board.js';
import { reportQueueDepth } from './queue-depth.metric.js';

/**
 * The worker has no HTTP API: this small Fastify server on PORT (default 3002) answers
 * `GET /health/live` and `GET /health/ready` for orchestrators, `GET /metrics` for Prometheus
 * (WORKER_METRICS, queue depth read from Redis at scrape time) and, when BULL_BOARD_USERNAME /
 * BULL_BOARD_PASSWORD are set, Bull Board under `/queues` behind HTTP Basic auth. It starts
 * after the queues and stops with the app.
 */
@Injectable()
export class HealthHttpServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly server: FastifyInstance = fastify({ logger: false });
  private address: string | undefined;
  private stopReporting: (() => void) | undefined;

  constructor(
    private readonly readiness: ReadinessService,
    private readonly modules: ModuleRef,
    @Inject(SERVICE_CONFIG) private readonly config: WorkerConfig,
  ) {
    this.server.get('/health/live', async (_request, reply) => {
      const { statusCode, body } = await healthAnswer(() => this.readiness.live());
      return reply.code(statusCode).send(body);
    });
    this.server.get('/health/ready', async (_request, reply) => {
      const { statusCode, body } = await healthAnswer(() => this.readiness.ready());
      return reply.code(statusCode).send(body);
    });
    this.server.get('/metrics', async (_request, reply) => {
      const body = await WORKER_METRICS.metrics();
      return reply.code(200).header('Content-Type', WORKER_METRICS.contentType).send(body);
    });
  }

  /** Base URL once listening (e.g. `http://127.0.0.1:3002`). */
  get url(): string {
    if (!this.address) throw new Error('health server is not listening');
    return this.address;
  }

  async onApplicationBootstrap(): Promise<void> {
    // The queues BullModule registered (prefix QUEUE_PREFIX, the worker's Redis connection).
    const queues = ALL_QUEUES.map((queue) =>
      this.modules.get<Queue>(getQueueToken(queue.name), { strict: false }),
    );
    this.stopReporting = reportQueueDepth(queues);
    if (this.config.bullBoard) await mountBullBoard(this.server, queues, this.config.bullBoard);
    try {
      this.address = await this.server.listen({ port: this.config.port, host: this.config.host });
    } catch (error) {
      throw portError(error, this.config.port);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopReporting?.();
    await this.server.close();
  }
}
