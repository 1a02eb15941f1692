import { timingSafeEqual } from 'node:crypto';
import type { createBullBoard } from '@bull-board/api';
import type { Queue } from 'bullmq';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

type BoardServerAdapter = Parameters<typeof createBullBoard>[0]['serverAdapter'];

/** Where the board is served on the worker's HTTP port. */
export const BULL_BOARD_PATH = '/queues';

export interface BoardCredentials {
  username: string;
  password: string;
}

/**
 * Mounts Bull Board (every given queue) under {@link BULL_BOARD_PATH}, every request of it
 * (pages, assets, API) behind HTTP Basic auth: a missing or wrong login answers 401 with a
 * `WWW-Authenticate` challenge. Call before the server listens.
 *
 * Bull Board is loaded only when mounted: @fastify/static, under @bull-board/fastify, needs
 * `require()` of an ES module, which Node 20.19+ does but jest's module runtime does not, so
 * in-process tests run without the board and the board's tests use the built worker.
 */
export async function mountBullBoard(
  server: FastifyInstance,
  queues: readonly Queue[],
  credentials: BoardCredentials,
): Promise<void> {
  const [{ createBullBoard: create }, { BullMQAdapter }, { FastifyAdapter }] = await Promise.all([
    import('@bull-board/api'),
    import('@bull-board/api/bullMQAdapter'),
    import('@bull-board/fastify'),
  ]);
  const adapter = new FastifyAdapter();
  adapter.setBasePath(BULL_BOARD_PATH);
  create({
    queues: queues.map((queue) => new BullMQAdapter(queue)),
    // @bull-board/fastify 9.10.1 pins @bull-board/api 9.10.1 while the worker has 9.10.2: the
    // same adapter interface in two declarations (private fields differ), compatible at run time.
    serverAdapter: adapter as unknown as BoardServerAdapter,
  });
  await server.register(async (scope) => {
    scope.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      if (isAuthorised(request.headers.authorization, credentials)) return;
      await reply
        .code(401)
        .header('WWW-Authenticate', 'Basic realm="outreach worker", charset="UTF-8"')
        .send({ message: 'Bull Board needs the BULL_BOARD_USERNAME / BULL_BOARD_PASSWORD login' });
    });
    await scope.register(adapter.registerPlugin(), { prefix: BULL_BOARD_PATH });
  });
}

/** True when `header` is `Basic base64(username:password)` matching (constant-time compare). */
export function isAuthorised(header: string | undefined, expected: BoardCredentials): boolean {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match?.[1]) return false;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  const userOk = sameSecret(decoded.slice(0, colon), expected.username);
  const passwordOk = sameSecret(decoded.slice(colon + 1), expected.password);
  return userOk && passwordOk;
}

/** Constant-time equality whose duration does not depend on where the strings differ. */
function sameSecret(given: string, wanted: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(wanted, 'utf8');
  // Compare against itself when lengths differ, so the time does not reveal the length either.
  const equal = timingSafeEqual(a.length === b.length ? a : b, b);
  return equal && a.length === b.length;
}
