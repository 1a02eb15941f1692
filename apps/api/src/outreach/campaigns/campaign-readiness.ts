import type { Campaign, Mailbox, StepVariantRecord, WorkflowStep } from '@outreach/db';
import type { ContentProblem } from '../content/content-problem.js';
import { contentShapeProblems, contentTemplateProblems } from '../content/email-content.rules.js';

export interface ReadinessInput {
  campaign: Campaign;
  mailbox: Mailbox | null;
  steps: WorkflowStep[];
  variants: StepVariantRecord[];
}

/**
 * Everything that stops a campaign from sending, all at once: an active mailbox, at least one
 * step, and every step and variant of a draft or running experiment written from valid
 * templates (known variables, no syntax error; a subject unless the e-mail is sent as a reply
 * after the first step) or by a prompt (the foreign key guarantees it exists). An empty list
 * means ready.
 */
export function readinessProblems(input: ReadinessInput): ContentProblem[] {
  const problems: ContentProblem[] = [];
  const { campaign, mailbox, steps, variants } = input;
  if (campaign.mailboxId === null) {
    problems.push({
      field: 'mailboxId',
      message: 'mailboxId: set the mailbox the campaign sends from',
    });
  } else if (!mailbox) {
    problems.push({ field: 'mailboxId', message: 'mailboxId: the mailbox no longer exists' });
  } else if (mailbox.status !== 'active') {
    problems.push({
      field: 'mailboxId',
      message: `mailboxId: the mailbox ${mailbox.emailAddress} is ${mailbox.status}; it must be active`,
    });
  }
  if (steps.length === 0) {
    problems.push({ field: 'steps', message: 'steps: add at least one step' });
  }
  for (const step of steps) {
    const order = step.stepOrder;
    const prefix = `steps[${order}].`;
    const where = { step: order };
    problems.push(...contentShapeProblems(step, prefix, where));
    problems.push(...contentTemplateProblems(step, prefix, where));
    if (needsSubject(step, order)) {
      problems.push({
        field: `${prefix}subjectTemplate`,
        ...where,
        message: `${prefix}subjectTemplate: ${order === 1 ? 'the first step' : 'a step not sent as a reply'} needs a subject`,
      });
    }
    for (const { variant } of variants.filter((v) => v.stepId === step.id)) {
      const variantPrefix = `${prefix}variants.${variant.key}.`;
      const at = { step: order, variant: variant.key };
      problems.push(...contentShapeProblems(variant, variantPrefix, at));
      problems.push(...contentTemplateProblems(variant, variantPrefix, at));
      if (
        needsSubject(
          {
            subjectTemplate: variant.subjectTemplate,
            bodyTemplate: variant.bodyTemplate,
            promptId: variant.promptId,
            sendAsReply: step.sendAsReply,
          },
          order,
        )
      ) {
        problems.push({
          field: `${variantPrefix}subjectTemplate`,
          ...at,
          message: `${variantPrefix}subjectTemplate: this variant needs a subject`,
        });
      }
    }
  }
  return problems;
}

function needsSubject(
  content: {
    subjectTemplate: string | null;
    bodyTemplate: string | null;
    promptId: string | null;
    sendAsReply: boolean;
  },
  order: number,
): boolean {
  return (
    content.promptId === null &&
    content.bodyTemplate !== null &&
    content.subjectTemplate === null &&
    (order === 1 || !content.sendAsReply)
  );
}
