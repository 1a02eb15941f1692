import type { SendExperiment, SendTaskContext } from '@outreach/db';
import { render, textToHtml, TemplateError, type TemplateValues } from '@outreach/templates';

/** The subject, bodies and thread headers of one e-mail, before it is written and sent. */
export interface MailContent {
  subject: string;
  bodyText: string;
  bodyHtml: string;
  inReplyTo: string | null;
  references: string[];
}

/** What the step (or its A/B variant) says the e-mail is made of. */
export interface ContentSource {
  subjectTemplate: string | null;
  bodyTemplate: string | null;
  promptId: string | null;
  experimentId: string | null;
  variantId: string | null;
}

/** Text an LLM wrote for a prompt step (subject, body or both). */
export interface Generated {
  subject: string | null;
  body: string | null;
}

/** Why no e-mail can be made for this prospect (the task is skipped with this reason). */
export class ContentError extends Error {
  override readonly name = 'ContentError';
}

/** The step's content, or the variant's where the variant sets it. */
export function contentSource(
  context: SendTaskContext,
  variant: SendExperiment['variants'][number] | null,
  experimentId: string | null,
): ContentSource {
  const { step } = context;
  if (!variant) {
    return {
      subjectTemplate: step.subjectTemplate,
      bodyTemplate: step.bodyTemplate,
      promptId: step.promptId,
      experimentId: null,
      variantId: null,
    };
  }
  const ownContent =
    variant.subjectTemplate !== null || variant.bodyTemplate !== null || variant.promptId !== null;
  return {
    subjectTemplate: ownContent ? variant.subjectTemplate : step.subjectTemplate,
    bodyTemplate: ownContent ? variant.bodyTemplate : step.bodyTemplate,
    promptId: ownContent ? variant.promptId : step.promptId,
    experimentId,
    variantId: variant.id,
  };
}

const REPLY_PREFIX = /^\s*((re|tr|fwd?|aw)\s*:\s*)+/i;

/**
 * Renders the e-mail for one prospect: Liquid templates (or what the LLM generated for a prompt
 * step), the HTML part from the text, and the thread. A step sent as a reply to an earlier
 * message of the enrollment takes that thread's subject as "Re: …" with In-Reply-To (the latest
 * message) and References (every earlier one). Throws ContentError when a value the template
 * needs is missing or the subject or body come out empty: never a broken e-mail.
 */
export function renderContent(
  context: SendTaskContext,
  source: ContentSource,
  values: TemplateValues,
  generated: Generated | null,
): MailContent {
  const thread = context.step.sendAsReply ? context.thread : [];
  const first = thread[0];
  const last = thread.at(-1);
  let subject: string;
  if (first?.subject) {
    subject = `Re: ${first.subject.replace(REPLY_PREFIX, '')}`;
  } else if (generated?.subject) {
    subject = generated.subject;
  } else {
    subject = renderTemplate(source.subjectTemplate, values, 'subject');
  }
  const bodyText = generated?.body ?? renderTemplate(source.bodyTemplate, values, 'body');
  if (subject.trim() === '') throw new ContentError('the subject renders empty');
  if (bodyText.trim() === '') throw new ContentError('the body renders empty');
  return {
    subject: subject.slice(0, 998),
    bodyText,
    bodyHtml: textToHtml(bodyText),
    inReplyTo: last?.messageId ?? null,
    references: thread.map((message) => message.messageId),
  };
}

function renderTemplate(
  template: string | null,
  values: TemplateValues,
  kind: 'subject' | 'body',
): string {
  if (template === null) throw new ContentError(`the step has no ${kind} template`);
  try {
    const { output, missing } = render(template, values, kind);
    if (missing.length > 0) {
      throw new ContentError(`the ${kind} needs values this prospect lacks: ${missing.join(', ')}`);
    }
    return output;
  } catch (error) {
    if (error instanceof TemplateError)
      throw new ContentError(`the ${kind} template: ${error.message}`);
    throw error;
  }
}
