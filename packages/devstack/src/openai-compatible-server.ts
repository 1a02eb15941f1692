import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/**
 * What the server does with the next `POST /v1/chat/completions`:
 * - `reply`: a completion whose one choice has this message content (`null`: no content at all);
 * - `status`: an HTTP error with an OpenAI-shaped error body (500, 429, …);
 * either after `delayMs` (longer than the client's timeout: the client gives up first).
 */
export type ChatCompletionBehaviour =
  | {
      kind: 'reply';
      content: string | null;
      delayMs?: number;
      /** `model` of the response; default: the model the request asked for. */
      model?: string;
      /** `finish_reason` of the choice; default `stop`. */
      finishReason?: 'stop' | 'length' | 'content_filter';
    }
  | {
      kind: 'status';
      status: number;
      message?: string;
      delayMs?: number;
      /** Sent as `retry-after-ms` (the openai client waits that long before retrying). */
      retryAfterMs?: number;
    };

/** One request the server received, whatever it answered. */
export interface RecordedRequest {
  method: string;
  path: string;
  /** The `authorization` header as sent (tests check the key went there). */
  authorization: string | undefined;
  /** The parsed JSON body, or `undefined` when there was none or it was not JSON. */
  body: unknown;
}

export interface OpenAiCompatibleServerOptions {
  /** The bearer key clients must send; any other answers 401. */
  apiKey: string;
  /** Port on 127.0.0.1; default: a free one chosen by the system. */
  port?: number;
}

const DEFAULT_BEHAVIOUR: ChatCompletionBehaviour = {
  kind: 'reply',
  content: '{"subject":"Hello","body":"Hello from the test server."}',
};

/**
 * A throw-away HTTP server speaking the part of the OpenAI REST protocol the platform uses
 * (`POST /v1/chat/completions`, `GET /v1/models`), so tests reach it with the real `openai`
 * client. It checks the bearer key, records every request, and answers as told: a default
 * behaviour (`respond`) and one-shot behaviours taken in order before it (`respondOnce`).
 */
export class OpenAiCompatibleServer {
  private server: Server | undefined;
  private behaviour: ChatCompletionBehaviour = DEFAULT_BEHAVIOUR;
  private readonly once: ChatCompletionBehaviour[] = [];
  private readonly recorded: RecordedRequest[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private completions = 0;

  constructor(private readonly options: OpenAiCompatibleServerOptions) {}

  /** `http://127.0.0.1:<port>/v1`, the client's `baseURL`. */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}/v1`;
  }

  get port(): number {
    const address = this.server?.address();
    if (!address || typeof address === 'string') throw new Error('the server is not started');
    return address.port;
  }

  /** Every request received since start or the last `reset()`, oldest first. */
  get requests(): readonly RecordedRequest[] {
    return this.recorded;
  }

  /** Chat-completion requests only (retries included). */
  get completionRequests(): readonly RecordedRequest[] {
    return this.recorded.filter((request) => request.path === '/v1/chat/completions');
  }

  /** The behaviour of every completion request without a one-shot one queued. */
  respond(behaviour: ChatCompletionBehaviour): void {
    this.behaviour = behaviour;
  }

  /** Behaviours for the next completion requests, one each, before the default applies again. */
  respondOnce(...behaviours: ChatCompletionBehaviour[]): void {
    this.once.push(...behaviours);
  }

  /** Back to the default reply; forgets queued behaviours and recorded requests. */
  reset(): void {
    this.behaviour = DEFAULT_BEHAVIOUR;
    this.once.length = 0;
    this.recorded.length = 0;
  }

  async start(): Promise<void> {
    if (this.server) return;
    if (this.options.apiKey === '') throw new Error('OpenAiCompatibleServer needs an apiKey');
    const server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        if (!response.headersSent) {
          sendError(response, 500, `test server failure: ${String(error)}`, 'server_error');
        } else {
          response.destroy();
        }
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) =>
      server.close(() => {
        resolve();
      }),
    );
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const text = await readBody(request);
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    this.recorded.push({
      method: request.method ?? '',
      path,
      authorization: request.headers.authorization,
      body,
    });
    if (request.headers.authorization !== `Bearer ${this.options.apiKey}`) {
      sendError(response, 401, 'Incorrect API key provided.', 'invalid_request_error', {
        code: 'invalid_api_key',
      });
      return;
    }
    if (request.method === 'GET' && path === '/v1/models') {
      sendJson(response, 200, { object: 'list', data: [] });
      return;
    }
    if (request.method !== 'POST' || path !== '/v1/chat/completions') {
      sendError(
        response,
        404,
        `Unknown request URL: ${request.method} ${path}`,
        'invalid_request_error',
      );
      return;
    }
    const model = modelOf(body);
    if (model === undefined) {
      sendError(response, 400, 'you must provide a model parameter', 'invalid_request_error');
      return;
    }
    const behaviour = this.once.shift() ?? this.behaviour;
    if (behaviour.delayMs) await this.wait(behaviour.delayMs, request);
    if (response.destroyed || request.socket.destroyed) return;
    if (behaviour.kind === 'status') {
      if (behaviour.retryAfterMs !== undefined) {
        response.setHeader('retry-after-ms', String(behaviour.retryAfterMs));
      }
      sendError(
        response,
        behaviour.status,
        behaviour.message ?? `test server answers ${behaviour.status}`,
        behaviour.status === 429 ? 'rate_limit_error' : 'server_error',
      );
      return;
    }
    this.completions += 1;
    sendJson(response, 200, {
      id: `chatcmpl-test-${this.completions}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: behaviour.model ?? model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: behaviour.content, refusal: null },
          logprobs: null,
          finish_reason: behaviour.finishReason ?? 'stop',
        },
      ],
      usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
    });
  }

  /** Waits `ms`, or less when the client hangs up first. */
  private wait(ms: number, request: IncomingMessage): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.timers.delete(timer);
        request.socket.off('close', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.timers.add(timer);
      request.socket.once('close', done);
    });
  }
}

function modelOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const model = (body as { model?: unknown }).model;
  return typeof model === 'string' && model !== '' ? model : undefined;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.once('end', () => {
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    request.once('error', reject);
  });
}

function sendJson(response: ServerResponse, status: number, value: unknown): void {
  const payload = JSON.stringify(value);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
  });
  response.end(payload);
}

function sendError(
  response: ServerResponse,
  status: number,
  message: string,
  type: string,
  extra: { code?: string } = {},
): void {
  sendJson(response, status, {
    error: { message, type, param: null, code: extra.code ?? null },
  });
}
