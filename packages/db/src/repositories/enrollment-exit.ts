import type { EntityManager } from 'typeorm';
import { InvalidInputError } from '../errors/invalid-input.error.js';
import { isUuid, type OrganisationId } from '../organisation-id.js';
import {
  ENROLLMENT_EXIT_REASONS,
  type EnrollmentExitReason,
} from '../outreach/enrollment-status.js';
import { runQuery } from './entity-rows.js';

/** Why an enrollment leaves its campaign, and the message that caused it (null: none did). */
export interface EnrollmentExitInput {
  enrollmentId: string;
  reason: EnrollmentExitReason;
  messageId: string | null;
}

const EXIT = `
  WITH exited AS (
    UPDATE outreach.campaign_enrollments
       SET status = 'exited', exit_reason = $3, exited_at = now(), exit_message_id = $4
     WHERE organisation_id = $1 AND id = $2 AND status IN ('active', 'paused')
    RETURNING id, campaign_id
  ), cancelled AS (
    UPDATE outreach.tasks t
       SET status = 'cancelled', locked_by = NULL, locked_until = NULL,
           last_error = format('cancelled: the enrollment exited (%s)', $3::text)
      FROM exited e
     WHERE t.organisation_id = $1 AND t.campaign_id = e.campaign_id AND t.enrollment_id = e.id
       AND t.status IN ('pending', 'running')
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM exited)::int AS exited,
         (SELECT count(*) FROM cancelled)::int AS cancelled`;

/**
 * Takes an enrollment out of its campaign: status exited with the reason, the time and the
 * message that caused it, and its pending or running tasks cancelled (lock cleared, last_error
 * saying why; found through tasks_enrollment_step_key) — one statement, so run it in the tenant transaction of the event (an
 * unsubscribe, a bounce). True when it exited now; false when it was already exited or
 * completed, or is not this organisation's (nothing changes: safe to repeat). A worker holding
 * one of the cancelled tasks finds it cancelled when it completes it.
 */
export async function exitEnrollment(
  manager: EntityManager,
  organisationId: OrganisationId,
  input: EnrollmentExitInput,
): Promise<boolean> {
  if (!isUuid(input.enrollmentId)) {
    throw invalid('id', `enrollmentId must be a UUID, got ${JSON.stringify(input.enrollmentId)}`);
  }
  if (!(ENROLLMENT_EXIT_REASONS as readonly string[]).includes(input.reason)) {
    throw invalid('exit_reason', `reason must be one of ${ENROLLMENT_EXIT_REASONS.join(', ')}`);
  }
  if (input.messageId !== null && !isUuid(input.messageId)) {
    throw invalid(
      'exit_message_id',
      `messageId must be a UUID or null, got ${JSON.stringify(input.messageId)}`,
    );
  }
  const rows = await runQuery<{ exited: number }[]>(manager, EXIT, [
    organisationId,
    input.enrollmentId,
    input.reason,
    input.messageId,
  ]);
  return (rows[0]?.exited ?? 0) > 0;
}

/** exitEnrollment bound to a transaction's manager (`repositories.enrollmentExits`). */
export class EnrollmentExitRepository {
  readonly #manager: EntityManager;

  constructor(manager: EntityManager) {
    this.#manager = manager;
  }

  exit(organisationId: OrganisationId, input: EnrollmentExitInput): Promise<boolean> {
    return exitEnrollment(this.#manager, organisationId, input);
  }
}

function invalid(field: string, message: string): InvalidInputError {
  return new InvalidInputError('invalid_value', 'campaign_enrollments', field, message);
}
