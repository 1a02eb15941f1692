import type pg from 'pg';
import type { OrganisationFixture } from '../../src/testing/factories.js';

/** A task to insert; times are offsets in seconds from the database's now(). */
export interface TaskSpec {
  dueIn: number;
  status?: 'pending' | 'running' | 'completed' | 'failed';
  nextAttemptIn?: number;
  attempts?: number;
  maxAttempts?: number;
  lockedBy?: string;
  lockedUntilIn?: number;
}

/**
 * Inserts tasks into one organisation's campaign, one new workflow step each (a task is unique per
 * enrollment and step), as the superuser the test database belongs to: the set-up bypasses
 * row-level security, the system under test does not. Returns the task ids in spec order.
 */
export async function insertTasks(
  admin: pg.Client,
  organisation: OrganisationFixture,
  specs: readonly TaskSpec[],
): Promise<string[]> {
  const { organisationId, campaign, enrollment } = organisation;
  const { rows } = await admin.query<{ id: string }>(
    `WITH spec AS (
       SELECT s.*, row_number() OVER () AS n
         FROM jsonb_to_recordset($4::jsonb) AS s(
           "dueIn" int, status text, "nextAttemptIn" int, attempts int, "maxAttempts" int,
           "lockedBy" text, "lockedUntilIn" int)
     ), base AS (
       SELECT coalesce(max(step_order), 0) AS top
         FROM outreach.workflow_steps WHERE organisation_id = $1 AND campaign_id = $2
     ), steps AS (
       INSERT INTO outreach.workflow_steps (organisation_id, campaign_id, step_order, subject_template)
       SELECT $1, $2, base.top + spec.n, 'Step ' || (base.top + spec.n) FROM spec, base
       RETURNING id, step_order
     ), inserted AS (
     INSERT INTO outreach.tasks (organisation_id, campaign_id, enrollment_id, step_id, status,
                                 due_at, next_attempt_at, attempts, max_attempts, locked_by,
                                 locked_until, completed_at)
     SELECT $1, $2, $3, steps.id, coalesce(spec.status, 'pending'),
            now() + make_interval(secs => spec."dueIn"),
            now() + make_interval(secs => spec."nextAttemptIn"),
            coalesce(spec.attempts, 0), coalesce(spec."maxAttempts", 5), spec."lockedBy",
            now() + make_interval(secs => spec."lockedUntilIn"),
            CASE WHEN spec.status = 'completed' THEN now() END
       FROM spec, base, steps
      WHERE steps.step_order = base.top + spec.n
     RETURNING id, step_id
     )
     SELECT inserted.id FROM inserted JOIN steps ON steps.id = inserted.step_id
      ORDER BY steps.step_order`,
    [organisationId, campaign.id, enrollment.id, JSON.stringify(specs)],
  );
  return rows.map((row) => row.id);
}

export interface TaskState {
  id: string;
  status: string;
  locked_by: string | null;
  attempts: number;
  last_error: string | null;
}

/** Current state of tasks, read as the superuser (all organisations). */
export async function taskStates(admin: pg.Client, ids: readonly string[]): Promise<TaskState[]> {
  const { rows } = await admin.query<TaskState>(
    `SELECT id, status, locked_by, attempts, last_error FROM outreach.tasks
      WHERE id = ANY($1::uuid[]) ORDER BY array_position($1::uuid[], id)`,
    [ids],
  );
  return rows;
}
