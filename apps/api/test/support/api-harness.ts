import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createDataSource, UserRepository } from '@outreach/db';
import { createHttpApp } from '@outreach/service-kit/http';
import { mintDevToken } from '@outreach/tenancy/http';
import { createTestDatabase, testRedisUrl, type TestDatabase } from '@outreach/testing';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { apiService } from '../../src/api.definition.js';
import { DEV_AUTH_JWT_SECRET } from '../../src/config/api-config.schema.js';

const silent = { write: (): void => undefined };

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
  text: string;
}

export interface RequestOptions {
  token?: string | undefined;
  body?: unknown;
  /** Sent as is (garbage JSON, huge payloads). */
  rawBody?: string;
  headers?: Record<string, string>;
}

/**
 * The real api (real module, Fastify, global guards, RLS) on a fresh database cloned from the
 * migrated template, connected as outreach_app_user like in production; a superuser client for
 * fixtures and for checking what was (not) written.
 */
export class ApiHarness {
  private constructor(
    readonly app: NestFastifyApplication,
    readonly baseUrl: string,
    readonly database: TestDatabase,
    readonly admin: pg.Client,
    /** Seeds through packages/db's repositories (as outreach_app_user), like the apps do. */
    readonly seeding: DataSource,
    /** The app's pino lines (JSON), when started with `captureLogs` (discarded otherwise). */
    readonly logs: string[] = [],
  ) {}

  static async start(
    env: Record<string, string> = {},
    options: { captureLogs?: boolean } = {},
  ): Promise<ApiHarness> {
    const logs: string[] = [];
    const destination = options.captureLogs
      ? {
          write: (line: string): void => {
            logs.push(line);
          },
        }
      : silent;
    const database = await createTestDatabase();
    const { app } = await createHttpApp(
      apiService,
      {
        DATABASE_URL: database.appUrl,
        REDIS_URL: testRedisUrl(),
        LOG_LEVEL: process.env.API_TEST_LOG_LEVEL ?? 'error',
        NODE_ENV: 'test',
        ...env,
      },
      { logDestination: destination },
    );
    await app.listen({ port: 0, host: '127.0.0.1' });
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    const seeding = await createDataSource({
      url: database.appUrl,
      applicationName: 'api-test-seed',
      poolSize: 2,
    }).initialize();
    return new ApiHarness(app, await app.getUrl(), database, admin, seeding, logs);
  }

  async stop(): Promise<void> {
    await this.app.close();
    await this.admin.end();
    await this.seeding.destroy();
    await this.database.drop();
  }

  /** An iam.users row (as an identity provider sign-up would leave) and a token for it. */
  async user(email: string): Promise<{ id: string; token: string }> {
    const user = await new UserRepository(this.seeding.manager).findOrCreate({ email });
    return {
      id: user.id,
      token: await mintDevToken({ secret: DEV_AUTH_JWT_SECRET, email }),
    };
  }

  async request<T = unknown>(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let payload: string | undefined = options.rawBody;
    // FormData (a multipart upload) goes as is: fetch sets its content-type and boundary.
    const form = options.body instanceof FormData ? options.body : undefined;
    if (options.body !== undefined && !form) payload = JSON.stringify(options.body);
    if (payload !== undefined) headers['content-type'] ??= 'application/json';
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: form ?? payload ?? null,
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON (e.g. the Swagger UI page)
    }
    return { status: response.status, body: body as T, text };
  }

  async count(table: string, organisationId: string): Promise<number> {
    const { rows } = await this.admin.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM ${table} WHERE organisation_id = $1`,
      [organisationId],
    );
    return Number(rows[0]?.n);
  }
}
