import { analyse } from '@outreach/templates';

/** One thing to fix in a template or a campaign, located as precisely as possible. */
export interface ContentProblem {
  /** `bodyTemplate`, `steps[2].subjectTemplate`, `steps[1].variants.B.bodyTemplate`, `mailboxId`… */
  field: string;
  message: string;
  /** Step order (1-based) when the problem is in a step. */
  step?: number;
  /** Variant key when the problem is in an experiment variant. */
  variant?: string;
  line?: number;
  column?: number;
  unknownVariables?: string[];
}

/** The syntax error or unknown variables of one template (none for an absent template). */
export function templateProblems(
  field: string,
  template: string | null | undefined,
  where: Pick<ContentProblem, 'step' | 'variant'> = {},
): ContentProblem[] {
  if (template === null || template === undefined) return [];
  const analysis = analyse(template);
  if (!analysis.ok) {
    const { line, column, message } = analysis.error;
    return [
      {
        field,
        ...where,
        message: `${field}: Liquid syntax error at line ${line}, column ${column}: ${message}`,
        line,
        column,
      },
    ];
  }
  if (analysis.unknown.length > 0) {
    return [
      {
        field,
        ...where,
        message: `${field}: unknown variables ${analysis.unknown.join(', ')} (see the template variables in the api README)`,
        unknownVariables: analysis.unknown,
      },
    ];
  }
  return [];
}
