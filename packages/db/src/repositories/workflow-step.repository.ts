import type { EntityManager } from 'typeorm';
import { InvalidInputError } from '../errors/invalid-input.error.js';
import { isUuid, type OrganisationId } from '../organisation-id.js';
import { StepExperimentVariant } from '../outreach/step-experiment-variant.entity.js';
import { WorkflowStep } from '../outreach/workflow-step.entity.js';
import { validateInput } from '../validation/input.validator.js';
import type { CursorCodec } from './cursor.codec.js';
import { hydrateAs, persistentValue, quoted, runQuery } from './entity-rows.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type Page } from './organisation-scoped.repository.js';

/** The content fields of a step (what create and patch may carry). */
export interface WorkflowStepInput {
  delayDays?: number | undefined;
  exitOnReply?: boolean | undefined;
  sendAsReply?: boolean | undefined;
  subjectTemplate?: string | null | undefined;
  bodyTemplate?: string | null | undefined;
  promptId?: string | null | undefined;
}

/** A variant of a step's draft or running experiment, with the step it belongs to. */
export interface StepVariantRecord {
  stepId: string;
  experimentId: string;
  variant: StepExperimentVariant;
}

const COLUMNS: readonly (keyof WorkflowStepInput)[] = [
  'delayDays',
  'exitOnReply',
  'sendAsReply',
  'subjectTemplate',
  'bodyTemplate',
  'promptId',
];

/**
 * outreach.workflow_steps as an ordered list per campaign: steps are numbered 1..n without gaps
 * (`step_order`), appended at the end, renumbered when one is deleted, and reordered in one
 * statement. Every method takes the organisation first and filters on it (RLS applies too). The
 * caller locks the campaign row first (CampaignLifecycleRepository.lock) so concurrent changes
 * to one campaign's steps queue up instead of colliding on the order.
 *
 * The unique (organisation_id, campaign_id, step_order) constraint is DEFERRABLE INITIALLY
 * IMMEDIATE: PostgreSQL checks a deferrable constraint at the end of each statement, not row by
 * row, so one UPDATE can permute or shift the orders without SET CONSTRAINTS (nothing is left
 * deferred to COMMIT, and a violation still surfaces at the statement that caused it).
 */
export class WorkflowStepRepository {
  readonly #manager: EntityManager;
  readonly #cursors: CursorCodec;

  constructor(manager: EntityManager, cursors: CursorCodec) {
    this.#manager = manager;
    this.#cursors = cursors;
  }

  /** One keyset page of the campaign's steps by step_order (signed cursor, like every list). */
  async page(
    organisationId: OrganisationId,
    campaignId: string,
    options: { cursor?: string | undefined; limit?: number | undefined } = {},
  ): Promise<Page<WorkflowStep>> {
    const limit = options.limit ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
      throw new InvalidInputError(
        'invalid_value',
        'workflow_steps',
        'limit',
        `limit must be an integer from 1 to ${MAX_PAGE_SIZE}`,
      );
    }
    let after = 0;
    if (options.cursor) {
      const position = this.#cursors.decode(organisationId, options.cursor, {
        sort: `steps:${campaignId}`,
        direction: 'asc',
        arity: 1,
      });
      after = Number(position.values[0]);
    }
    const rows = await runQuery<Record<string, unknown>[]>(
      this.#manager,
      `SELECT * FROM outreach.workflow_steps
        WHERE organisation_id = $1 AND campaign_id = $2 AND step_order > $3
        ORDER BY step_order LIMIT $4`,
      [organisationId, campaignId, after, limit + 1],
    );
    const items = rows.slice(0, limit).map((row) => this.#hydrate(row));
    const last = items.at(-1);
    return {
      items,
      nextCursor:
        rows.length > limit && last
          ? this.#cursors.encode(organisationId, {
              sort: `steps:${campaignId}`,
              direction: 'asc',
              values: [String(last.stepOrder)],
            })
          : null,
    };
  }

  /** The campaign's steps by step_order. */
  async list(organisationId: OrganisationId, campaignId: string): Promise<WorkflowStep[]> {
    if (!isUuid(campaignId)) return [];
    const rows = await runQuery<Record<string, unknown>[]>(
      this.#manager,
      `SELECT * FROM outreach.workflow_steps
        WHERE organisation_id = $1 AND campaign_id = $2 ORDER BY step_order`,
      [organisationId, campaignId],
    );
    return rows.map((row) => this.#hydrate(row));
  }

  /** One step of the campaign, or null (also for a step of another campaign or organisation). */
  async find(
    organisationId: OrganisationId,
    campaignId: string,
    stepId: string,
  ): Promise<WorkflowStep | null> {
    if (!isUuid(campaignId) || !isUuid(stepId)) return null;
    const rows = await runQuery<Record<string, unknown>[]>(
      this.#manager,
      `SELECT * FROM outreach.workflow_steps
        WHERE organisation_id = $1 AND campaign_id = $2 AND id = $3`,
      [organisationId, campaignId, stepId],
    );
    return rows[0] ? this.#hydrate(rows[0]) : null;
  }

  /** Inserts a step after the campaign's last one (step_order = max + 1) and returns it. */
  async append(
    organisationId: OrganisationId,
    campaignId: string,
    input: WorkflowStepInput,
  ): Promise<WorkflowStep> {
    const pairs = this.#pairs(input);
    const values: unknown[] = [organisationId, campaignId];
    const columns = pairs.map(([column, value]) => {
      values.push(value);
      return { name: column, placeholder: `$${values.length}` };
    });
    const rows = await runQuery<Record<string, unknown>[]>(
      this.#manager,
      `INSERT INTO outreach.workflow_steps
         (organisation_id, campaign_id, step_order${columns.map((c) => `, ${c.name}`).join('')})
       SELECT $1, $2, coalesce(max(step_order), 0) + 1${columns.map((c) => `, ${c.placeholder}`).join('')}
         FROM outreach.workflow_steps WHERE organisation_id = $1 AND campaign_id = $2
       RETURNING *`,
      values,
    );
    return this.#hydrate(rows[0] ?? {});
  }

  /** Changes the given fields of one step of the campaign; null when there is no such step. */
  async update(
    organisationId: OrganisationId,
    campaignId: string,
    stepId: string,
    input: WorkflowStepInput,
  ): Promise<WorkflowStep | null> {
    if (!isUuid(campaignId) || !isUuid(stepId)) return null;
    const pairs = this.#pairs(input);
    if (pairs.length === 0) return this.find(organisationId, campaignId, stepId);
    const values: unknown[] = [organisationId, campaignId, stepId];
    const assignments = pairs.map(([column, value]) => {
      values.push(value);
      return `${column} = $${values.length}`;
    });
    const [rows] = await runQuery<[Record<string, unknown>[], number]>(
      this.#manager,
      `UPDATE outreach.workflow_steps SET ${assignments.join(', ')}
        WHERE organisation_id = $1 AND campaign_id = $2 AND id = $3 RETURNING *`,
      values,
    );
    return rows[0] ? this.#hydrate(rows[0]) : null;
  }

  /**
   * Deletes one step and renumbers the steps after it (no gaps); false when there is no such
   * step. A step that tasks or messages already refer to cannot be deleted (foreign key → 422).
   */
  async remove(
    organisationId: OrganisationId,
    campaignId: string,
    stepId: string,
  ): Promise<boolean> {
    if (!isUuid(campaignId) || !isUuid(stepId)) return false;
    const [, deleted] = await runQuery<[unknown[], number]>(
      this.#manager,
      `DELETE FROM outreach.workflow_steps WHERE organisation_id = $1 AND campaign_id = $2 AND id = $3`,
      [organisationId, campaignId, stepId],
    );
    if (deleted === 0) return false;
    await runQuery(
      this.#manager,
      `UPDATE outreach.workflow_steps s SET step_order = n.position
         FROM (SELECT id, row_number() OVER (ORDER BY step_order)::int AS position
                 FROM outreach.workflow_steps WHERE organisation_id = $1 AND campaign_id = $2) n
        WHERE s.organisation_id = $1 AND s.campaign_id = $2 AND s.id = n.id
          AND s.step_order <> n.position`,
      [organisationId, campaignId],
    );
    return true;
  }

  /**
   * Gives `orderedIds[i]` the step_order i + 1, in one statement. The caller validates that the
   * ids are exactly the campaign's steps (@outreach/sequencing validateStepOrder); this refuses
   * anything else too (nothing is changed): returns the steps in their new order.
   */
  async reorder(
    organisationId: OrganisationId,
    campaignId: string,
    orderedIds: readonly string[],
  ): Promise<WorkflowStep[]> {
    if (!orderedIds.every(isUuid)) {
      throw new InvalidInputError(
        'invalid_value',
        'workflow_steps',
        'stepIds',
        'stepIds must be UUIDs',
      );
    }
    const [, updated] = await runQuery<[unknown[], number]>(
      this.#manager,
      `UPDATE outreach.workflow_steps s SET step_order = o.position
         FROM unnest($3::uuid[]) WITH ORDINALITY AS o(id, position)
        WHERE s.organisation_id = $1 AND s.campaign_id = $2 AND s.id = o.id
          AND (SELECT count(*) FROM outreach.workflow_steps
                WHERE organisation_id = $1 AND campaign_id = $2) = cardinality($3::uuid[])`,
      [organisationId, campaignId, [...orderedIds]],
    );
    if (updated !== orderedIds.length) {
      throw new InvalidInputError(
        'invalid_value',
        'workflow_steps',
        'stepIds',
        'stepIds must list every step of the campaign exactly once',
      );
    }
    return this.list(organisationId, campaignId);
  }

  /** The variants of the campaign's draft or running experiments (the ones that will send). */
  async activeVariants(
    organisationId: OrganisationId,
    campaignId: string,
  ): Promise<StepVariantRecord[]> {
    if (!isUuid(campaignId)) return [];
    const rows = await runQuery<Record<string, unknown>[]>(
      this.#manager,
      `SELECT v.*, e.step_id AS "__step_id"
         FROM outreach.step_experiment_variants v
         JOIN outreach.step_experiments e
           ON e.organisation_id = v.organisation_id AND e.id = v.experiment_id
         JOIN outreach.workflow_steps s
           ON s.organisation_id = e.organisation_id AND s.id = e.step_id
        WHERE v.organisation_id = $1 AND s.campaign_id = $2 AND e.status IN ('draft', 'running')
        ORDER BY s.step_order, v.key`,
      [organisationId, campaignId],
    );
    return rows.map((row) => {
      const variant = hydrateAs(this.#manager, StepExperimentVariant, row);
      return { stepId: row.__step_id as string, experimentId: variant.experimentId, variant };
    });
  }

  /** The variant with this key of the step's latest experiment (draft, running or completed). */
  async findVariant(
    organisationId: OrganisationId,
    stepId: string,
    key: string,
  ): Promise<StepExperimentVariant | null> {
    if (!isUuid(stepId)) return null;
    const rows = await runQuery<Record<string, unknown>[]>(
      this.#manager,
      `SELECT v.* FROM outreach.step_experiment_variants v
         JOIN outreach.step_experiments e
           ON e.organisation_id = v.organisation_id AND e.id = v.experiment_id
        WHERE v.organisation_id = $1 AND e.step_id = $2 AND v.key = $3
        ORDER BY (e.status IN ('draft', 'running')) DESC, e.created_at DESC LIMIT 1`,
      [organisationId, stepId, key],
    );
    return rows[0] ? hydrateAs(this.#manager, StepExperimentVariant, rows[0]) : null;
  }

  #pairs(input: WorkflowStepInput): [string, unknown][] {
    const metadata = this.#manager.dataSource.getMetadata(WorkflowStep);
    const present: Record<string, unknown> = {};
    for (const property of COLUMNS) {
      if (input[property] !== undefined) present[property] = input[property];
    }
    return validateInput(metadata, present).map(([column, value]) => [
      quoted(column),
      persistentValue(this.#manager, column, value),
    ]);
  }

  #hydrate(row: Record<string, unknown>): WorkflowStep {
    return hydrateAs(this.#manager, WorkflowStep, row);
  }
}
