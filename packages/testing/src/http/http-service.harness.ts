import type { Environment, ServiceConfig } from '@outreach/service-kit/config';
import {
  createHttpApp,
  type CreatedHttpApp,
  type HttpServiceDefinition,
} from '@outreach/service-kit/http';
import { testRedisUrl } from '../test-services.js';

/** A pino destination that drops every line (tests assert on HTTP, not on logs). */
export const silentLog = { write: (): void => undefined };

/** Environment for a service under test: the harness' Redis, short health timeouts, quiet logs. */
export function testServiceEnv(databaseUrl: string, overrides: Environment = {}): Environment {
  return {
    DATABASE_URL: databaseUrl,
    REDIS_URL: testRedisUrl(),
    LOG_LEVEL: 'warn',
    HEALTH_CHECK_TIMEOUT_MS: '500',
    ...overrides,
  };
}

/**
 * Boots HTTP services on 127.0.0.1 (free port) against the real services of the jest run
 * and closes them all in `closeAll()` (call it in afterEach).
 */
export class HttpServiceHarness<C extends ServiceConfig> {
  private readonly open: CreatedHttpApp<C>['app'][] = [];

  constructor(private readonly definition: HttpServiceDefinition<C>) {}

  /** Starts the service and returns its base URL. */
  async boot(env: Environment): Promise<string> {
    const { app } = await createHttpApp(this.definition, env, { logDestination: silentLog });
    this.open.push(app);
    await app.listen({ port: 0, host: '127.0.0.1' });
    return app.getUrl();
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.open.splice(0).map((app) => app.close()));
  }
}

export interface HealthBody {
  status: string;
  details: Record<string, { status: string; message?: string } | undefined>;
}

/** GET a health endpoint without keep-alive (so jest exits promptly). */
export async function getHealth(url: string): Promise<{ status: number; body: HealthBody }> {
  const response = await fetch(url, { headers: { connection: 'close' } });
  return { status: response.status, body: (await response.json()) as HealthBody };
}
