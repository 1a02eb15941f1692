import { GenerationError } from './generation.error.js';

/** What the step needs from the LLM: both parts, or one (the other comes from its template). */
export type GenerationNeed = 'both' | 'subject' | 'body';

/** Subject and/or body as the model wrote them, validated; the part not asked for is `''`. */
export interface GeneratedParts {
  subject: string;
  body: string;
}

/** RFC 5322's line limit, the most a one-line Subject header can carry. */
export const MAX_SUBJECT_LENGTH = 998;
const EXCERPT_LENGTH = 200;

/** Template markup a model copies from an example instead of filling in. */
const LEFTOVER_MARKUP = [
  /\{\{|\}\}|\{%|%\}/,
  /\[(?:your |votre |ton )?(?:first ?name|last ?name|full ?name|name|company(?: name)?|job title|title|signature|prénom|nom|entreprise|société|poste|signature)\]/i,
];
// eslint-disable-next-line no-control-regex -- control characters are what this rejects
const CONTROL_IN_SUBJECT = /[\u0000-\u001f\u007f]/;
// eslint-disable-next-line no-control-regex -- control characters are what this rejects
const CONTROL_IN_BODY = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/**
 * The model's answer (the message content) → the parts asked for, or a GenerationError:
 * `empty` for no content or a needed part missing or blank; `unusable` for content that is not
 * a JSON object, a part that is not a string, a subject on several lines or longer than 998
 * characters, control characters, or template markup left in (`{{ … }}`, `[First name]`).
 */
export function parseGeneratedEmail(content: string | null, need: GenerationNeed): GeneratedParts {
  const fields = jsonObjectAnswer(content, 'subject and body');
  const subject = need === 'body' ? '' : validSubject(fields.subject);
  const body = need === 'subject' ? '' : validBody(fields.body);
  return { subject, body };
}

function part(value: unknown, name: 'subject' | 'body'): string {
  if (value === undefined || value === null) {
    throw new GenerationError('empty', `the LLM's answer has no ${name}`);
  }
  if (typeof value !== 'string') {
    throw new GenerationError('unusable', `the LLM's ${name} is a ${typeof value}, not text`);
  }
  const trimmed = value.trim();
  if (trimmed === '') throw new GenerationError('empty', `the LLM's ${name} is blank`);
  for (const pattern of LEFTOVER_MARKUP) {
    const match = pattern.exec(trimmed);
    if (match) {
      throw new GenerationError(
        'unusable',
        `the LLM's ${name} has template markup left in (${match[0]}): ${excerpt(trimmed)}`,
      );
    }
  }
  return trimmed;
}

function validSubject(value: unknown): string {
  const subject = part(value, 'subject');
  if (/[\r\n]/.test(subject)) {
    throw new GenerationError(
      'unusable',
      `the LLM's subject is on several lines: ${excerpt(subject)}`,
    );
  }
  if (CONTROL_IN_SUBJECT.test(subject)) {
    throw new GenerationError('unusable', "the LLM's subject has control characters");
  }
  if (subject.length > MAX_SUBJECT_LENGTH) {
    throw new GenerationError(
      'unusable',
      `the LLM's subject has ${subject.length} characters (at most ${MAX_SUBJECT_LENGTH})`,
    );
  }
  return subject;
}

function validBody(value: unknown): string {
  const body = part(value, 'body').replace(/\r\n?/g, '\n');
  if (CONTROL_IN_BODY.test(body)) {
    throw new GenerationError('unusable', "the LLM's body has control characters");
  }
  return body;
}

/**
 * The model's answer as a JSON object, or a GenerationError: `empty` for no content, `unusable`
 * for anything but a JSON object (`expected` names what the object should hold).
 */
export function jsonObjectAnswer(
  content: string | null,
  expected: string,
): Record<string, unknown> {
  if (content === null || content.trim() === '') {
    throw new GenerationError('empty', 'the LLM answered with no content');
  }
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch {
    throw new GenerationError('unusable', `the LLM's answer is not JSON: ${excerpt(content)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new GenerationError(
      'unusable',
      `the LLM's answer is not a JSON object with ${expected}: ${excerpt(content)}`,
    );
  }
  return value as Record<string, unknown>;
}

export function excerpt(text: string): string {
  const flat = JSON.stringify(
    text.length > EXCERPT_LENGTH ? `${text.slice(0, EXCERPT_LENGTH)}…` : text,
  );
  return flat;
}
