import type OpenAI from 'openai';
import { parseGeneratedEmail, type GenerationNeed } from './generated-email.js';
import { LlmClient } from './llm-client.js';
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
 * Writes a prompt step's e-mail with an OpenAI-compatible chat-completions endpoint (LlmClient:
 * the official `openai` client). It asks for a JSON object (`response_format: json_object`) with
 * the parts the step needs and checks them (`parseGeneratedEmail`); anything else is a
 * `GenerationError` with its reason, never a broken e-mail.
 */
export class EmailWriter {
  private readonly llm: LlmClient;

  constructor(config: LlmConfig | null) {
    this.llm = new LlmClient(config);
  }

  /** Whether an LLM is configured (LLM_BASE_URL set); without one every write fails. */
  get configured(): boolean {
    return this.llm.configured;
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
    const { content, model } = await this.llm.completeJson(
      {
        model: prompt.model,
        messages: messagesFor(prompt, variables),
        purpose: 'to write a prompt step',
      },
      signal,
    );
    const parts = parseGeneratedEmail(content, prompt.need);
    return { ...parts, model, raw: content ?? '' };
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
