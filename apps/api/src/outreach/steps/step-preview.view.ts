import type { TemplateVariable } from '@outreach/templates';

/** A step rendered for one prospect. */
export interface StepPreviewView {
  /** Null when the step has no subject (sent as a reply in the thread). */
  subject: string | null;
  body: string;
  /** Variables the templates use that this prospect has no value for (the sender would skip). */
  missing: TemplateVariable[];
}
