/** outreach.prompts.purpose (CHECK prompts_purpose_check). */
export const PROMPT_PURPOSES = [
  'email_subject',
  'email_body',
  'email',
  'personalisation',
  'reply_classification',
] as const;
export type PromptPurpose = (typeof PROMPT_PURPOSES)[number];
