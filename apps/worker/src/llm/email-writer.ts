import OpenAI, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from 'openai';
import { parseGeneratedEmail, type GenerationNeed } from './generated-email.js';
import { GenerationError } from './generation.error.js';
import type { LlmConfig } from './llm-config.js';

// What write() rejects with, importable beside the writer.
export { GenerationError } from './generation.error.js';
export type { GenerationFailure } from './generation.error.js';
export type { GenerationNeed } from './generated-email.js';

/** One prompt step's prompt (outreach.prompts: content, model) and what the step needs of it. */
export interface EmailPrompt {
  /** The organisation's instructions (purpose email, email_subject or email_body). */
  content: string;
  /** The prompt's model; `null`: the configured LLM_MODEL. */
  model: string | null;
  /** `both` for purpose email; `subject` / `body` for email_subject / email_body. */
  need: GenerationNeed;
}

/** What the LLM wrote, validated; the part not asked for is `''`. */
export interface GeneratedEmail {
  subject: string;
  body: string;
  /** The model that answered (as the provider reports it). */
  model: string;
  /** The message content exactly as received, to store beside what was generated. */
  raw: string;
}

const MAX_ERROR_LENGTH = 300;

const FORMAT_RULES: Record<GenerationNeed, string> = {
  both: 'Answer with one JSON object and nothing else: {"subject": "…", "body": "…"}.',
  subject: 'Answer with one JSON object and nothing else: {"subject": "…"}.',
  body: 'Answer with one JSON object and nothing else: {"body": "…"}.',
};

const PART_RULES: Record<'subject' | 'body', string> = {
  subject: '- subject: one line of plain text, short, no line breaks.',
  body:
    '- body: the plain-text body of the e-mail, paragraphs separated by blank lines; no subject ' +
    'line, no HTML, no Markdown.',
};

const SYSTEM_RULES = [
  'You write one outbound B2B e-mail to one prospect, following the sender’s instructions.',
  'Use only the prospect data given. Never leave a placeholder such as [First name] or ' +
    '{{ person.first_name }}: write the value, or leave the detail out when it is not given.',
  'Write in the language of the sender’s instructions.',
].join('\n');

/**
 * Writes a prompt step's e-mail with an OpenAI-compatible chat-completions endpoint (the
 * official `openai` client: LLM_BASE_URL, LLM_API_KEY, LLM_TIMEOUT_MS, LLM_MAX_RETRIES). It asks
 * for a JSON object (`response_format: json_object`) with the parts the step needs and checks
 * them (`parseGeneratedEmail`); anything else is a `GenerationError` with its reason, never a
 * broken e-mail. The key goes only into the Authorization header: the client's logs are off and
 * error messages never carry it.
 */
export class EmailWriter {
  private readonly client: OpenAI | null;

  constructor(private readonly config: LlmConfig | null) {
    this.client = config
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

  /** Whether an LLM is configured (LLM_BASE_URL set); without one every write fails. */
  get configured(): boolean {
    return this.client !== null;
  }

  /**
   * The e-mail for one prospect: `prompt.content` as the sender's instructions, `variables`
   * (the template variables of `@outreach/templates` `buildVariables`; missing ones left out) as
   * the prospect data. Rejects with a GenerationError (`not_configured`, `timeout`,
   * `provider_error`, `empty`, `unusable`); an abort through `signal` rejects with the client's
   * `APIUserAbortError`, not a GenerationError (nothing was decided about the e-mail).
   */
  async write(
    prompt: EmailPrompt,
    variables: Record<string, unknown>,
    signal?: AbortSignal,
  ): Promise<GeneratedEmail> {
    const { client, config } = this;
    if (!client || !config) {
      throw new GenerationError(
        'not_configured',
        'no LLM is configured (set LLM_BASE_URL and LLM_API_KEY) to write a prompt step',
      );
    }
    const model = prompt.model ?? config.model;
    let completion: OpenAI.Chat.Completions.ChatCompletion;
    try {
      completion = await client.chat.completions.create(
        {
          model,
          messages: messagesFor(prompt, variables),
          response_format: { type: 'json_object' },
        },
        signal ? { signal } : {},
      );
    } catch (error) {
      throw this.failure(error, model, signal);
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
    const raw = message.content;
    const parts = parseGeneratedEmail(raw, prompt.need);
    return { ...parts, model: completion.model || model, raw: raw ?? '' };
  }

  /** The client's error → a GenerationError; the caller's own abort passes through. */
  private failure(error: unknown, model: string, signal: AbortSignal | undefined): unknown {
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

  /** Shortened, and without the key should a provider echo it. */
  private clean(text: string): string {
    const key = this.config?.apiKey ?? '';
    const safe = key === '' ? text : text.split(key).join('***');
    return safe.length > MAX_ERROR_LENGTH ? `${safe.slice(0, MAX_ERROR_LENGTH - 1)}…` : safe;
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

/** The system rules for the parts asked for, the sender's instructions, the prospect's data. */
export function messagesFor(
  prompt: EmailPrompt,
  variables: Record<string, unknown>,
): OpenAI.Chat.Completions.ChatCompletionMessageParam[] {
  const parts = prompt.need === 'both' ? (['subject', 'body'] as const) : [prompt.need];
  const system = [SYSTEM_RULES, FORMAT_RULES[prompt.need], ...parts.map((p) => PART_RULES[p])];
  const known = Object.fromEntries(
    Object.entries(variables).filter(
      ([, value]) => value !== null && value !== undefined && value !== '',
    ),
  );
  return [
    { role: 'system', content: system.join('\n') },
    { role: 'user', content: `The sender’s instructions:\n\n${prompt.content}` },
    { role: 'user', content: `The prospect (JSON):\n${JSON.stringify(known, null, 2)}` },
  ];
}
