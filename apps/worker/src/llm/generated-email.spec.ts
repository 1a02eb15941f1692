import { MAX_SUBJECT_LENGTH, parseGeneratedEmail } from './generated-email.js';
import { GenerationError } from './generation.error.js';

function failure(
  content: string | null,
  need: 'both' | 'subject' | 'body' = 'both',
): GenerationError {
  try {
    parseGeneratedEmail(content, need);
  } catch (error) {
    if (error instanceof GenerationError) return error;
    throw error;
  }
  throw new Error(`expected a GenerationError for ${JSON.stringify(content)}`);
}

describe('parseGeneratedEmail', () => {
  it('returns the trimmed subject and body, with line breaks normalised', () => {
    const content = JSON.stringify({
      subject: '  Votre croissance à Lyon ',
      body: '\nBonjour Marie,\r\n\r\nUne question rapide.\r\n',
    });
    expect(parseGeneratedEmail(content, 'both')).toEqual({
      subject: 'Votre croissance à Lyon',
      body: 'Bonjour Marie,\n\nUne question rapide.',
    });
  });

  it('returns only the part asked for, and ignores the other', () => {
    expect(parseGeneratedEmail('{"subject":"Objet"}', 'subject')).toEqual({
      subject: 'Objet',
      body: '',
    });
    expect(parseGeneratedEmail('{"body":"Corps","subject":"a\\nb"}', 'body')).toEqual({
      subject: '',
      body: 'Corps',
    });
  });

  it('calls no content, a missing part or a blank part empty', () => {
    expect(failure(null).reason).toBe('empty');
    expect(failure('   ').reason).toBe('empty');
    expect(failure('{"subject":"Objet"}')).toMatchObject({
      reason: 'empty',
      message: "the LLM's answer has no body",
    });
    expect(failure('{"subject":"  ","body":"Corps"}')).toMatchObject({
      reason: 'empty',
      message: "the LLM's subject is blank",
    });
  });

  it('calls what is not a JSON object with text parts unusable, quoting it', () => {
    expect(failure('Sure! Here is your e-mail: …')).toMatchObject({
      reason: 'unusable',
      message: 'the LLM\'s answer is not JSON: "Sure! Here is your e-mail: …"',
    });
    expect(failure('["Objet","Corps"]').reason).toBe('unusable');
    expect(failure('{"subject":42,"body":"Corps"}')).toMatchObject({
      reason: 'unusable',
      message: "the LLM's subject is a number, not text",
    });
  });

  it('refuses a subject on several lines, too long, or with control characters', () => {
    expect(failure('{"subject":"Ligne 1\\nLigne 2","body":"Corps"}').message).toContain(
      'subject is on several lines',
    );
    const long = 'x'.repeat(MAX_SUBJECT_LENGTH + 1);
    expect(failure(JSON.stringify({ subject: long, body: 'Corps' })).message).toBe(
      `the LLM's subject has ${MAX_SUBJECT_LENGTH + 1} characters (at most ${MAX_SUBJECT_LENGTH})`,
    );
    expect(
      parseGeneratedEmail(
        JSON.stringify({ subject: 'x'.repeat(MAX_SUBJECT_LENGTH), body: 'b' }),
        'both',
      ).subject,
    ).toHaveLength(MAX_SUBJECT_LENGTH);
    expect(failure('{"subject":"Objet\\u0007","body":"Corps"}').reason).toBe('unusable');
    expect(failure('{"subject":"Objet","body":"Corps\\u0000"}').reason).toBe('unusable');
  });

  it('refuses template markup left in: Liquid or a bracketed placeholder', () => {
    expect(failure('{"subject":"Bonjour {{ person.first_name }}","body":"Corps"}')).toMatchObject({
      reason: 'unusable',
    });
    expect(failure('{"subject":"Objet","body":"Bonjour [Prénom],\\n\\nMerci"}').message).toContain(
      "the LLM's body has template markup left in ([Prénom])",
    );
    expect(failure('{"subject":"Objet","body":"Best,\\n[Your Name]"}').reason).toBe('unusable');
    expect(
      parseGeneratedEmail('{"subject":"Objet","body":"Voir le [PDF] joint"}', 'both').body,
    ).toBe('Voir le [PDF] joint');
  });
});
