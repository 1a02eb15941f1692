import OpenAI, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from 'openai';
import { GenerationError } from './generation.error.js';
import type { LlmConfig } from './llm-config.js';

const MAX_ERROR_LENGTH = 300;

export type ChatMessage = OpenAI.Chat.Completions.ChatCompletionMessageParam;

/** A completion's message content, exactly as received, and the model that answered. */
export interface Completion {
  content: string | null;
  model: string;
}

/**
 * One JSON-object chat completion through an OpenAI-compatible endpoint (the official `openai`
 * client: LLM_BASE_URL, LLM_API_KEY, LLM_TIMEOUT_MS, LLM_MAX_RETRIES), shared by what the worker
 * asks an LLM (writing a prompt step, refining a reply's class). Every failure is a
 * GenerationError with its reason (`not_configured`, `timeout`, `provider_error`, `empty`,
 * `unusable` for an answer cut short or filtered); the caller's own abort passes through as the
 * client's `APIUserAbortError`. The key goes only into the Authorization header: the client's
 * logs are off and error messages never carry it.
 */
export class LlmClient {
  readonly #client: OpenAI | null;

  constructor(private readonly config: LlmConfig | null) {
    this.#client = config
      ? new OpenAI({
          baseURL: config.baseUrl,
          apiKey: config.apiKey,
          timeout: config.timeoutMs,
          maxRetries: config.maxRetries,
          // Nothing from the process environment (OPENAI_ORG_ID, OPENAI_LOG, …) changes a call.
          organization: null,
          project: null,
          logLevel: 'off',
          fetch: fetchWithLocalAbortErrors,
        })
      : null;
  }

  /** Whether an LLM is configured (LLM_BASE_URL set); without one every call fails. */
  get configured(): boolean {
    return this.#client !== null;
  }

  /**
   * The content of the one choice of a `json_object` completion; `model` null: LLM_MODEL.
   * `purpose` completes the `not_configured` message ("to write a prompt step").
   */
  async completeJson(
    request: { model: string | null; messages: ChatMessage[]; purpose: string },
    signal?: AbortSignal,
  ): Promise<Completion> {
    const client = this.#client;
    const config = this.config;
    if (!client || !config) {
      throw new GenerationError(
        'not_configured',
        `no LLM is configured (set LLM_BASE_URL and LLM_API_KEY) ${request.purpose}`,
      );
    }
    const model = request.model ?? config.model;
    let completion: OpenAI.Chat.Completions.ChatCompletion;
    try {
      completion = await client.chat.completions.create(
        { model, messages: request.messages, response_format: { type: 'json_object' } },
        signal ? { signal } : {},
      );
    } catch (error) {
      throw this.#failure(error, model, signal);
    }
    const choice = completion.choices[0];
    if (!choice) throw new GenerationError('empty', 'the LLM answered with no choice');
    const { message } = choice;
    if (message.refusal) {
      throw new GenerationError('empty', `the LLM refused: ${this.clean(message.refusal)}`);
    }
    if (choice.finish_reason === 'length') {
      throw new GenerationError(
        'unusable',
        'the LLM’s answer was cut short (finish_reason length)',
      );
    }
    if (choice.finish_reason === 'content_filter') {
      throw new GenerationError(
        'unusable',
        'the LLM’s answer was filtered (finish_reason content_filter)',
      );
    }
    return { content: message.content, model: completion.model || model };
  }

  /** Shortened, and without the key should a provider echo it. */
  clean(text: string): string {
    const key = this.config?.apiKey ?? '';
    const safe = key === '' ? text : text.split(key).join('***');
    return safe.length > MAX_ERROR_LENGTH ? `${safe.slice(0, MAX_ERROR_LENGTH - 1)}…` : safe;
  }

  /** The client's error → a GenerationError; the caller's own abort passes through. */
  #failure(error: unknown, model: string, signal: AbortSignal | undefined): unknown {
    if (error instanceof APIUserAbortError || signal?.aborted) return error;
    const timeoutMs = this.config?.timeoutMs ?? 0;
    if (error instanceof APIConnectionTimeoutError) {
      return new GenerationError(
        'timeout',
        `the LLM did not answer within ${timeoutMs} ms (model ${model})`,
        { cause: error },
      );
    }
    if (error instanceof APIConnectionError) {
      return new GenerationError(
        'provider_error',
        `the LLM endpoint could not be reached: ${this.clean(error.message)}`,
        { cause: error },
      );
    }
    if (error instanceof APIError) {
      const status = error.status === undefined ? '' : ` HTTP ${error.status}`;
      return new GenerationError(
        'provider_error',
        `the LLM provider answered${status} (model ${model}): ${this.clean(error.message)}`,
        { cause: error },
      );
    }
    const text = error instanceof Error ? error.message : String(error);
    return new GenerationError('provider_error', `the LLM call failed: ${this.clean(text)}`, {
      cause: error,
    });
  }
}

/**
 * `fetch`, with an abort error of another realm re-thrown as an `Error` of this one. Node's
 * fetch rejects an abort (the client's timeout) with a DOMException; code running in a VM
 * context (jest) does not see it as an `Error`, and the client would then report its timeout as
 * a connection error. In a plain process the error passes unchanged.
 */
async function fetchWithLocalAbortErrors(
  input: string | URL | Request,
  init?: RequestInit,
): Promise<Response> {
  try {
    return await fetch(input, init);
  } catch (error) {
    if (!(error instanceof Error) && (error as { name?: unknown } | null)?.name === 'AbortError') {
      const local = new Error((error as { message?: string }).message ?? 'aborted', {
        cause: error,
      });
      local.name = 'AbortError';
      throw local;
    }
    throw error;
  }
}
