import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { SERVICE_CONFIG } from '@outreach/service-kit/config';
import { ReadinessService, healthAnswer } from '@outreach/service-kit/health';
import { portError } from '@outreach/service-kit/http';
import { fastify, type FastifyInstance } from 'fastify';
import type { WorkerConfig } from '../config/worker-config.schema.js';

/**
 * The worker has no HTTP API: this tiny Fastify server only answers `GET /health/live` and
 * `GET /health/ready` on PORT (default 3002) for orchestrators. It starts after the queues
 * and stops with the app.
 */
@Injectable()
export class HealthHttpServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly server: FastifyInstance = fastify({ logger: false });
  private address: string | undefined;

  constructor(
    private readonly readiness: ReadinessService,
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
  }

  /** Base URL once listening (e.g. `http://127.0.0.1:3002`). */
  get url(): string {
    if (!this.address) throw new Error('health server is not listening');
    return this.address;
  }

  async onApplicationBootstrap(): Promise<void> {
    try {
      this.address = await this.server.listen({ port: this.config.port, host: this.config.host });
    } catch (error) {
      throw portError(error, this.config.port);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.server.close();
  }
}
