import { OpenAiCompatibleServer } from '@outreach/devstack';
import { buildVariables } from '@outreach/templates';
import { APIUserAbortError } from 'openai';
import { EmailWriter, type EmailPrompt } from '../src/llm/email-writer.js';
import { GenerationError } from '../src/llm/generation.error.js';
import type { LlmConfig } from '../src/llm/llm-config.js';

const API_KEY = 'sk-test-0123456789abcdef';
const GOOD = JSON.stringify({
  subject: 'Marie, une question sur Exemple SAS',
  body: 'Bonjour Marie,\n\nJe vois qu’Exemple SAS recrute à Lyon.\n\nBien à vous,\nAlice',
});
const PROMPT: EmailPrompt = {
  content: 'Écris un premier e-mail court et sobre à un directeur commercial.',
  model: null,
  need: 'both',
};
const VARIABLES = buildVariables({
  person: { firstName: 'Marie', lastName: 'Durand' },
  position: { title: 'Directrice commerciale', email: 'marie.durand@exemple.fr' },
  company: {
    name: 'Exemple SAS',
    city: 'Lyon',
    domain: 'exemple.fr',
    websiteUrl: null,
    nafCode: '62.01Z',
  },
});

interface RecordedBody {
  model: string;
  response_format: unknown;
  messages: { role: string; content: string }[];
}

async function rejection(promise: Promise<unknown>): Promise<GenerationError> {
  const error = await promise.then(
    () => new Error('expected the write to fail'),
    (reason: unknown) => reason,
  );
  if (error instanceof GenerationError) return error;
  throw error;
}

describe('EmailWriter with the real openai client against an OpenAI-compatible server', () => {
  const server = new OpenAiCompatibleServer({ apiKey: API_KEY });
  let config: LlmConfig;
  let writer: EmailWriter;

  beforeAll(async () => {
    await server.start();
    config = {
      baseUrl: server.baseUrl,
      apiKey: API_KEY,
      model: 'gpt-4o-mini',
      timeoutMs: 1_000,
      maxRetries: 2,
    };
    writer = new EmailWriter(config);
  });

  afterEach(() => {
    server.reset();
  });

  afterAll(async () => {
    await server.stop();
  });

  it('asks for JSON with the key, the prompt and the prospect, and returns subject and body', async () => {
    server.respond({ kind: 'reply', content: GOOD });
    const email = await writer.write(PROMPT, VARIABLES);
    expect(email).toEqual({
      subject: 'Marie, une question sur Exemple SAS',
      body: 'Bonjour Marie,\n\nJe vois qu’Exemple SAS recrute à Lyon.\n\nBien à vous,\nAlice',
      model: 'gpt-4o-mini',
      raw: GOOD,
    });
    const [request] = server.completionRequests;
    expect(server.completionRequests).toHaveLength(1);
    expect(request?.authorization).toBe(`Bearer ${API_KEY}`);
    const body = request?.body as RecordedBody;
    expect(body.model).toBe('gpt-4o-mini');
    expect(body.response_format).toEqual({ type: 'json_object' });
    const text = body.messages.map((message) => message.content).join('\n');
    expect(body.messages[0]?.role).toBe('system');
    expect(text).toContain('{"subject": "…", "body": "…"}');
    expect(text).toContain(PROMPT.content);
    expect(text).toContain('"person.first_name": "Marie"');
    expect(text).toContain('"company.name": "Exemple SAS"');
    // Missing values are left out, not sent as null.
    expect(text).not.toContain('company.website_url');
  });

  it('uses the prompt’s own model and reports the model that answered', async () => {
    server.respond({ kind: 'reply', content: GOOD, model: 'mistral-small-2501' });
    const email = await writer.write({ ...PROMPT, model: 'mistral-small' }, VARIABLES);
    expect((server.completionRequests[0]?.body as RecordedBody).model).toBe('mistral-small');
    expect(email.model).toBe('mistral-small-2501');
  });

  it('asks for and returns only the subject, or only the body, when the step needs one', async () => {
    server.respond({ kind: 'reply', content: '{"subject":"Objet seul"}' });
    await expect(writer.write({ ...PROMPT, need: 'subject' }, VARIABLES)).resolves.toMatchObject({
      subject: 'Objet seul',
      body: '',
    });
    const asked = (server.completionRequests[0]?.body as RecordedBody).messages[0]?.content;
    expect(asked).toContain('{"subject": "…"}');
    expect(asked).not.toContain('"body"');
    server.respond({ kind: 'reply', content: '{"body":"Corps seul"}' });
    await expect(writer.write({ ...PROMPT, need: 'body' }, VARIABLES)).resolves.toMatchObject({
      subject: '',
      body: 'Corps seul',
    });
  });

  it('times out (timeout) when the server answers later than the client waits, after its retries', async () => {
    server.respond({ kind: 'reply', content: GOOD, delayMs: 5_000 });
    const quick = new EmailWriter({ ...config, timeoutMs: 200, maxRetries: 1 });
    const error = await rejection(quick.write(PROMPT, VARIABLES));
    expect(error.reason).toBe('timeout');
    expect(error.message).toBe('the LLM did not answer within 200 ms (model gpt-4o-mini)');
    expect(server.completionRequests).toHaveLength(2);
  });

  it('calls an answer with no content, or an answer without the body, empty', async () => {
    server.respond({ kind: 'reply', content: null });
    expect((await rejection(writer.write(PROMPT, VARIABLES))).reason).toBe('empty');
    server.respond({ kind: 'reply', content: '' });
    expect((await rejection(writer.write(PROMPT, VARIABLES))).reason).toBe('empty');
    server.respond({ kind: 'reply', content: '{"subject":"Objet"}' });
    const error = await rejection(writer.write(PROMPT, VARIABLES));
    expect(error).toMatchObject({ reason: 'empty', message: "the LLM's answer has no body" });
  });

  it('calls garbage, a cut-short answer and a leftover placeholder unusable', async () => {
    server.respond({ kind: 'reply', content: 'Bien sûr ! Voici un e-mail :' });
    const garbage = await rejection(writer.write(PROMPT, VARIABLES));
    expect(garbage.reason).toBe('unusable');
    expect(garbage.message).toContain('not JSON');
    server.respond({ kind: 'reply', content: '{"subject":"Objet","bo', finishReason: 'length' });
    expect((await rejection(writer.write(PROMPT, VARIABLES))).message).toContain('cut short');
    server.respond({
      kind: 'reply',
      content: '{"subject":"Objet","body":"Bonjour {{ person.first_name }},"}',
    });
    expect((await rejection(writer.write(PROMPT, VARIABLES))).reason).toBe('unusable');
  });

  it('gives up with provider_error on HTTP 500 after the client’s retries', async () => {
    server.respond({
      kind: 'status',
      status: 500,
      message: 'upstream overloaded',
      retryAfterMs: 5,
    });
    const error = await rejection(writer.write(PROMPT, VARIABLES));
    expect(error.reason).toBe('provider_error');
    expect(error.message).toContain('HTTP 500');
    expect(error.message).toContain('upstream overloaded');
    expect(error.transient).toBe(true);
    expect(server.completionRequests).toHaveLength(1 + config.maxRetries);
  });

  it('rides out a 429 followed by an answer (the client retries)', async () => {
    server.respondOnce({ kind: 'status', status: 429, retryAfterMs: 5 });
    server.respond({ kind: 'reply', content: GOOD });
    await expect(writer.write(PROMPT, VARIABLES)).resolves.toMatchObject({
      subject: 'Marie, une question sur Exemple SAS',
    });
    expect(server.completionRequests).toHaveLength(2);
  });

  it('answers provider_error for a wrong key, without the key in the message', async () => {
    const wrongKey = 'sk-wrong-key-fedcba9876543210';
    const wrong = new EmailWriter({ ...config, apiKey: wrongKey });
    const error = await rejection(wrong.write(PROMPT, VARIABLES));
    expect(error.reason).toBe('provider_error');
    expect(error.message).toContain('HTTP 401');
    expect(error.message).not.toContain(wrongKey);
    expect(server.completionRequests[0]?.authorization).toBe(`Bearer ${wrongKey}`);
  });

  it('answers provider_error when nothing listens at the endpoint', async () => {
    const gone = new OpenAiCompatibleServer({ apiKey: API_KEY });
    await gone.start();
    const unreachable = new EmailWriter({ ...config, baseUrl: gone.baseUrl, maxRetries: 0 });
    await gone.stop();
    const error = await rejection(unreachable.write(PROMPT, VARIABLES));
    expect(error.reason).toBe('provider_error');
    expect(error.message).toContain('could not be reached');
  });

  it('passes the caller’s abort through as an abort, not a generation failure', async () => {
    server.respond({ kind: 'reply', content: GOOD, delayMs: 5_000 });
    const controller = new AbortController();
    const pending = writer.write(PROMPT, VARIABLES, controller.signal);
    setTimeout(() => {
      controller.abort();
    }, 50);
    const error = await pending.then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(APIUserAbortError);
    expect(error).not.toBeInstanceOf(GenerationError);
  });

  it('refuses to write without a configured LLM (not_configured), calling nothing', async () => {
    const unconfigured = new EmailWriter(null);
    expect(unconfigured.configured).toBe(false);
    const error = await rejection(unconfigured.write(PROMPT, VARIABLES));
    expect(error.reason).toBe('not_configured');
    expect(error.message).toContain('LLM_BASE_URL');
    expect(server.requests).toHaveLength(0);
  });
});
