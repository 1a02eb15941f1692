/** outreach.tasks.kind (CHECK tasks_kind_check). */
export const TASK_KINDS = ['send_email', 'manual'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];
/** outreach.tasks.status (CHECK tasks_status_check). */
export const TASK_STATUSES = [
  'pending',
  'running',
  'completed',
  'failed',
  'cancelled',
  'skipped',
] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
