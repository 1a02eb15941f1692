import { BadRequestException } from '@nestjs/common';
import { templateProblems, type ContentProblem } from './content-problem.js';

/** What a step or a variant is written from. */
export interface EmailContent {
  subjectTemplate: string | null;
  bodyTemplate: string | null;
  promptId: string | null;
}

/**
 * A step (or variant) is written either from templates (a body, and a subject unless it is sent
 * as a reply in the thread) or by a prompt, never both, never neither.
 */
export function contentShapeProblems(
  content: EmailContent,
  prefix = '',
  where: Pick<ContentProblem, 'step' | 'variant'> = {},
): ContentProblem[] {
  const hasTemplates = content.subjectTemplate !== null || content.bodyTemplate !== null;
  if (content.promptId !== null && hasTemplates) {
    return [
      {
        field: `${prefix}promptId`,
        ...where,
        message: `${prefix}promptId: an e-mail is written from templates or by a prompt, not both: set subjectTemplate and bodyTemplate to null, or promptId to null`,
      },
    ];
  }
  if (content.promptId === null && content.bodyTemplate === null) {
    return [
      {
        field: `${prefix}bodyTemplate`,
        ...where,
        message: `${prefix}bodyTemplate: give a bodyTemplate (and a subjectTemplate) or a promptId`,
      },
    ];
  }
  return [];
}

/** Both templates' syntax and variables. */
export function contentTemplateProblems(
  content: Pick<EmailContent, 'subjectTemplate' | 'bodyTemplate'>,
  prefix = '',
  where: Pick<ContentProblem, 'step' | 'variant'> = {},
): ContentProblem[] {
  return [
    ...templateProblems(`${prefix}subjectTemplate`, content.subjectTemplate, where),
    ...templateProblems(`${prefix}bodyTemplate`, content.bodyTemplate, where),
  ];
}

/** 400 listing every problem (syntax errors with line and column, unknown variables). */
export function assertNoProblems(problems: ContentProblem[]): void {
  if (problems.length === 0) return;
  throw new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message: `Invalid request: ${problems.map((p) => p.message).join('; ')}`,
    errors: problems.map((p) => ({ field: p.field, messages: [p.message] })),
    problems,
  });
}
