/** An api answer the journey did not expect: the route, the status and the api's message. */
export class JourneyApiError extends Error {
  override readonly name = 'JourneyApiError';

  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`${method} ${path} answered ${status}: ${describeBody(body)}`);
  }
}

function describeBody(body: unknown): string {
  if (body !== null && typeof body === 'object') {
    const { message, problems } = body as { message?: unknown; problems?: unknown };
    const parts = [typeof message === 'string' ? message : JSON.stringify(message)];
    if (problems !== undefined) parts.push(JSON.stringify(problems));
    return parts.join(' ').slice(0, 1_000);
  }
  return String(body).slice(0, 1_000);
}

/** A page of a keyset-paginated list. */
interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * The api as a user's program calls it: JSON or multipart bodies, a bearer token, and an error
 * naming the route for any status it was not told to expect.
 */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  /** Sends the request; resolves the parsed body when the status is one of `expected`. */
  async call<T>(
    method: string,
    path: string,
    body?: unknown,
    expected: readonly number[] = [200, 201, 202, 204],
  ): Promise<T> {
    const { status, body: answer } = await this.raw(method, path, body);
    if (!expected.includes(status)) throw new JourneyApiError(method, path, status, answer);
    return answer as T;
  }

  /** The status and parsed body, whatever the status. */
  async raw(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: unknown }> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    let payload: string | FormData | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['content-type'] = 'application/json';
    }
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: payload ?? null,
    }).catch((error: unknown) => {
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
      throw new Error(
        `${method} ${path}: the api at ${this.baseUrl} does not answer (${String(cause)})`,
        {
          cause: error,
        },
      );
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: kept as text
    }
    return { status: response.status, body: parsed };
  }

  /** Every item of a paginated list (pages of 100). */
  async all<T>(path: string): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | null = null;
    do {
      const separator = path.includes('?') ? '&' : '?';
      const query: string = `${separator}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page: Page<T> = await this.call<Page<T>>('GET', `${path}${query}`);
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor !== null);
    return items;
  }
}
