/**
 * Why no e-mail was generated:
 * - `not_configured`: the worker has no LLM (LLM_BASE_URL unset);
 * - `timeout`: the provider did not answer within LLM_TIMEOUT_MS (after the client's retries);
 * - `provider_error`: the provider refused or failed (HTTP error after retries, connection);
 * - `empty`: an answer with no content, or without the subject / body it was asked for;
 * - `unusable`: content that is not the JSON asked for, or a subject or body that would make a
 *   broken e-mail (multi-line or too long subject, template markup left in, cut short).
 */
export type GenerationFailure =
  'timeout' | 'empty' | 'unusable' | 'provider_error' | 'not_configured';

/** No usable e-mail came out of the LLM; `reason` says why, the message says what happened. */
export class GenerationError extends Error {
  override readonly name = 'GenerationError';

  constructor(
    readonly reason: GenerationFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** Whether trying again later may succeed (`timeout`, `provider_error`). */
  get transient(): boolean {
    return this.reason === 'timeout' || this.reason === 'provider_error';
  }
}
