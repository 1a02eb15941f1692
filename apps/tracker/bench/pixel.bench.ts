/*
 * Pixel bench: the tracker (built, as a real process) against PostgreSQL 18 behind pgBouncer in
 * transaction mode, beside a bare node:http server answering the same GIF without recording, in
 * the same run, loaded by autocannon with valid tokens. Prints opens/s and p99 of both and their
 * ratio, then a second tracker run during which the tracker gets SIGTERM halfway and is started
 * again, and checks that the opens in PostgreSQL equal the 2xx answers. Numbers only: no
 * assertion on speed (the targets are printed beside them).
 *
 * Two kinds of run: throughput (BENCH_CONNECTIONS clients as fast as they can: opens/s, the ratio
 * to the bare server) and latency (BENCH_LATENCY_CONNECTIONS clients, below saturation: p99 is
 * then the time to answer a pixel, not the time a request waits behind the 49 others of a
 * saturated run — which is queueing on two shared cores, as the bare server's own p99 shows).
 *
 *   pnpm --filter @outreach/tracker bench
 *   (BENCH_REQUESTS=60000 BENCH_CONNECTIONS=50 BENCH_LATENCY_CONNECTIONS=4 BENCH_TOKENS=1000)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { createDataSource, type OrganisationId } from '@outreach/db';
import { seedOrganisation } from '@outreach/db/testing';
import { PgBouncerServer, RedisServer, freePort } from '@outreach/devstack';
import { OwnPostgres } from '../test/support/own-postgres.js';
import { inOrg, markSent, sentMessageToken } from '../test/support/tracker-fixtures.js';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 60_000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const TOKENS = Number(process.env.BENCH_TOKENS ?? 1_000);
const LATENCY_CONNECTIONS = Number(process.env.BENCH_LATENCY_CONNECTIONS ?? 4);
const MAIN = fileURLToPath(new URL('../../main.js', import.meta.url));
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
const AGENT = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Thunderbird/128.5.0';

interface Load {
  requests: number;
  ok: number;
  perSecond: number;
  p99: number;
  errors: number;
}

/**
 * Sends exactly `amount` requests and waits for every answer (a run cut by a duration would leave
 * requests the server answered, and recorded, but autocannon did not count).
 */
async function load(
  url: string,
  paths: string[],
  amount: number,
  connections = CONNECTIONS,
): Promise<Load> {
  let next = 0;
  const result = await autocannon({
    url,
    connections,
    amount,
    headers: { 'user-agent': AGENT },
    requests: [
      {
        setupRequest: (request) => {
          next = (next + 1) % paths.length;
          return { ...request, path: paths[next] ?? '/' };
        },
      },
    ],
  });
  return {
    requests: result.requests.total,
    ok: result['2xx'],
    perSecond: result['2xx'] / result.duration,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

function bareServer(): Promise<{ server: Server; url: string }> {
  const server = createServer((_request, response) => {
    response.writeHead(200, {
      'Content-Type': 'image/gif',
      'Cache-Control': 'no-store, no-cache, must-revalidate, max-age=0',
      Pragma: 'no-cache',
      'Content-Length': GIF.length,
    });
    response.end(GIF);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({ server, url: `http://127.0.0.1:${port}` });
    });
  });
}

function startTracker(
  env: Record<string, string>,
  port: number,
): { child: ChildProcess; exited: Promise<string> } {
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => {
      resolve(signal ?? `code ${String(code)}`);
    }),
  );
  return { child, exited };
}

async function waitLive(url: string): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    const status = await fetch(`${url}/health/live`, { headers: { connection: 'close' } }).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`tracker at ${url} did not come up`);
}

const line = (name: string, run: Load) =>
  `${name.padEnd(34)} ${run.perSecond.toFixed(0).padStart(8)} opens/s   p99 ${String(run.p99).padStart(4)} ms   2xx ${run.ok}   errors ${run.errors}`;

async function main(): Promise<void> {
  if (!existsSync(MAIN))
    throw new Error(`${MAIN} is missing: run pnpm --filter @outreach/tracker build first`);
  const own = await OwnPostgres.start('tracker-bench-');
  const redisDir = join(own.dir, 'redis');
  mkdirSync(redisDir);
  const redis = new RedisServer({ port: await freePort(), dir: redisDir });
  await redis.start();
  const bouncer = new PgBouncerServer({
    port: await freePort(),
    dir: join(own.dir, 'pgbouncer'),
    postgres: { host: '127.0.0.1', port: own.server.port },
    users: [{ name: 'outreach_app_user', password: 'outreach_app_user' }],
    databases: ['outreach'],
  });
  await bouncer.start();
  const bare = await bareServer();
  const dataSource = createDataSource({ url: own.appUrl, applicationName: 'tracker-bench' });
  await dataSource.initialize();
  const trackers: ChildProcess[] = [];
  try {
    const org = await seedOrganisation(dataSource);
    const organisationId: OrganisationId = org.organisationId;
    await markSent(dataSource, organisationId, org.message.id);
    const messages: string[] = [];
    const paths: string[] = [];
    for (let i = 0; i < TOKENS; i += 1) {
      const { messageId, token } = await sentMessageToken(
        dataSource,
        organisationId,
        org.position.id,
        `bench-${i}@example.fr`,
      );
      messages.push(messageId);
      paths.push(`/p/${token}.gif`);
    }
    const env = {
      DATABASE_URL: bouncer.url({
        user: 'outreach_app_user',
        password: 'outreach_app_user',
        database: 'outreach',
      }),
      REDIS_URL: redis.url,
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      // One client address sends everything here: limits high enough never to bite, still run.
      OPEN_SOURCE_LIMIT_PER_MINUTE: '10000000',
      OPEN_PIXEL_SOURCE_LIMIT_PER_MINUTE: '10000000',
    };
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    let tracker = startTracker(env, port);
    trackers.push(tracker.child);
    await waitLive(url);

    await load(bare.url, paths, 10_000); // warm-up
    const warmup = await load(url, paths, 10_000);
    const baseline = await load(bare.url, paths, REQUESTS);
    const measured = await load(url, paths, REQUESTS);
    const latencyRequests = Math.min(REQUESTS, 10_000);
    const bareLight = await load(bare.url, paths, latencyRequests, LATENCY_CONNECTIONS);
    const trackerLight = await load(url, paths, latencyRequests, LATENCY_CONNECTIONS);

    // SIGTERM halfway through a run, started again on the same port.
    const during = load(url, paths, REQUESTS);
    await new Promise((resolve) => setTimeout(resolve, (REQUESTS / measured.perSecond / 2) * 1000));
    tracker.child.kill('SIGTERM');
    const stoppedBy = await tracker.exited;
    tracker = startTracker(env, port);
    trackers.push(tracker.child);
    await waitLive(url);
    const interrupted = await during;
    tracker.child.kill('SIGTERM');
    await tracker.exited;

    const expected = warmup.ok + measured.ok + trackerLight.ok + interrupted.ok;
    const stored = await totalOpens();

    console.log(
      `\npixel bench: ${REQUESTS} requests per run, ${CONNECTIONS} connections, ${TOKENS} tokens, PostgreSQL 18 behind pgBouncer (transaction mode)`,
    );
    console.log(line('bare node:http GIF (baseline)', baseline));
    console.log(line('tracker (recording)', measured));
    console.log(
      `ratio tracker / bare: ${(measured.perSecond / baseline.perSecond).toFixed(2)} (target >= 0.5)   saturated p99: tracker ${measured.p99} ms, bare ${baseline.p99} ms`,
    );
    console.log(`latency, ${LATENCY_CONNECTIONS} connections (${latencyRequests} requests):`);
    console.log(line('bare node:http GIF (baseline)', bareLight));
    console.log(line('tracker (recording)', trackerLight));
    console.log(
      `tracker p99 with ${LATENCY_CONNECTIONS} connections: ${trackerLight.p99} ms (target < 10), bare ${bareLight.p99} ms`,
    );
    console.log(line(`tracker, SIGTERM halfway (${stoppedBy})`, interrupted));
    console.log(
      `opens in PostgreSQL: ${stored}, 2xx answered by the tracker: ${expected} → ${stored === expected ? '0 lost' : `${expected - stored} LOST`}`,
    );
    if (stored !== expected) process.exitCode = 1;

    /** Opens stored over the bench's messages (every tracker run has been stopped and drained). */
    async function totalOpens(): Promise<number> {
      let last = -1;
      for (;;) {
        const sum = await inOrg(dataSource, organisationId, async (repos) => {
          let total = 0;
          for (const messageId of messages) {
            total += (await repos.openStats.forMessage(organisationId, messageId))?.totalOpens ?? 0;
          }
          return total;
        });
        if (sum === last) return sum;
        last = sum;
        await new Promise((resolve) => setTimeout(resolve, 1_500));
      }
    }
  } finally {
    for (const child of trackers) child.kill('SIGKILL');
    bare.server.close();
    await dataSource.destroy();
    await bouncer.stop();
    await redis.stop();
    await own.stop();
  }
}

await main();
