import type { EntityManager } from 'typeorm';
import { InvalidInputError } from '../errors/invalid-input.error.js';
import { isUuid, type OrganisationId } from '../organisation-id.js';
import { StepExperiment } from '../outreach/step-experiment.entity.js';
import type {
  StepExperimentMetric,
  StepExperimentStatus,
} from '../outreach/step-experiment-status.js';
import { StepExperimentVariant } from '../outreach/step-experiment-variant.entity.js';
import { validateInput } from '../validation/input.validator.js';
import type { CursorCodec } from './cursor.codec.js';
import { hydrateAs, runQuery } from './entity-rows.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type Page } from './organisation-scoped.repository.js';

/** One variant of a new experiment (the caller has checked keys, weights and content). */
export interface ExperimentVariantInput {
  key: string;
  weight: number;
  subjectTemplate: string | null;
  bodyTemplate: string | null;
  promptId: string | null;
}

export interface ExperimentInput {
  name: string;
  metric?: StepExperimentMetric | undefined;
  variants: readonly ExperimentVariantInput[];
}

/** An experiment with its variants (by key). */
export interface ExperimentRecord {
  experiment: StepExperiment;
  variants: StepExperimentVariant[];
}

/** A status change: the new status, and which timestamps to set to now(). */
export interface ExperimentStatusChange {
  from: StepExperimentStatus;
  to: StepExperimentStatus;
  setStartedAt?: boolean;
  setEndedAt?: boolean;
  winnerVariantId?: string;
}

/** How an experiment decides by itself (each field optional: unchanged when absent). */
export interface ExperimentDecisionSettings {
  autoComplete?: boolean | undefined;
  confidence?: number | undefined;
  minSamplePerVariant?: number | undefined;
  minimumDetectableEffect?: number | undefined;
}

/**
 * outreach.step_experiments and their outreach.step_experiment_variants (A/B tests on a workflow
 * step). Every method takes the organisation first and filters on it (RLS applies too). The
 * partial unique index step_experiments_active_step_key keeps at most one draft or running
 * experiment per step; the composite foreign key step_experiments_winner_variant_fkey keeps the
 * winner one of the experiment's own variants.
 */
export class ExperimentRepository {
  readonly #manager: EntityManager;
  readonly #cursors: CursorCodec;

  constructor(manager: EntityManager, cursors: CursorCodec) {
    this.#manager = manager;
    this.#cursors = cursors;
  }

  /**
   * Inserts the experiment (draft) and all its variants: two statements in the caller's
   * transaction, the variants in one set-based INSERT from arrays. A second draft or running
   * experiment on the step fails on the unique index (InvalidInputError unique_violation).
   */
  async create(
    organisationId: OrganisationId,
    stepId: string,
    input: ExperimentInput,
  ): Promise<ExperimentRecord> {
    const pairs = validateInput(this.#manager.dataSource.getMetadata(StepExperiment), {
      stepId,
      name: input.name,
      ...(input.metric !== undefined ? { metric: input.metric } : {}),
    });
    const value = (property: string): unknown =>
      pairs.find(([column]) => column.propertyName === property)?.[1];
    const rows = await runQuery<Record<string, unknown>[]>(
      this.#manager,
      `INSERT INTO outreach.step_experiments (organisation_id, step_id, name, metric)
       VALUES ($1, $2, $3, coalesce($4, 'reply_rate'))
       RETURNING *`,
      [organisationId, stepId, value('name'), value('metric') ?? null],
    );
    const experiment = this.#experiment(rows[0] ?? {});
    const variantMetadata = this.#manager.dataSource.getMetadata(StepExperimentVariant);
    for (const variant of input.variants) {
      validateInput(variantMetadata, { ...variant });
    }
    const inserted = await runQuery<Record<string, unknown>[]>(
      this.#manager,
      `INSERT INTO outreach.step_experiment_variants
         (organisation_id, experiment_id, key, weight, subject_template, body_template, prompt_id)
       SELECT $1, $2, v.key, v.weight, v.subject_template, v.body_template, v.prompt_id
         FROM unnest($3::text[], $4::int[], $5::text[], $6::text[], $7::uuid[])
              AS v(key, weight, subject_template, body_template, prompt_id)
       RETURNING *`,
      [
        organisationId,
        experiment.id,
        input.variants.map((v) => v.key),
        input.variants.map((v) => v.weight),
        input.variants.map((v) => v.subjectTemplate),
        input.variants.map((v) => v.bodyTemplate),
        input.variants.map((v) => v.promptId),
      ],
    );
    const variants = inserted
      .map((row) => this.#variant(row))
      .sort((a, b) => compareKeys(a.key, b.key));
    return { experiment, variants };
  }

  /** The step's draft or running experiment, or null. */
  async active(organisationId: OrganisationId, stepId: string): Promise<StepExperiment | null> {
    if (!isUuid(stepId)) return null;
    const rows = await runQuery<Record<string, unknown>[]>(
      this.#manager,
      `SELECT * FROM outreach.step_experiments
        WHERE organisation_id = $1 AND step_id = $2 AND status IN ('draft', 'running')`,
      [organisationId, stepId],
    );
    return rows[0] ? this.#experiment(rows[0]) : null;
  }

  /**
   * One experiment of the step with its variants, or null (another step's or organisation's
   * too). `lock` takes the experiment row FOR UPDATE, so status changes queue up.
   */
  async find(
    organisationId: OrganisationId,
    stepId: string,
    experimentId: string,
    options: { lock?: boolean } = {},
  ): Promise<ExperimentRecord | null> {
    if (!isUuid(stepId) || !isUuid(experimentId)) return null;
    const rows = await runQuery<Record<string, unknown>[]>(
      this.#manager,
      `SELECT * FROM outreach.step_experiments
        WHERE organisation_id = $1 AND step_id = $2 AND id = $3${options.lock ? ' FOR UPDATE' : ''}`,
      [organisationId, stepId, experimentId],
    );
    if (!rows[0]) return null;
    const experiment = this.#experiment(rows[0]);
    const variants = await this.#variantsOf(organisationId, [experiment.id]);
    return { experiment, variants: variants.get(experiment.id) ?? [] };
  }

  /** One keyset page of the step's experiments, oldest first, each with its variants. */
  async page(
    organisationId: OrganisationId,
    stepId: string,
    options: { cursor?: string | undefined; limit?: number | undefined } = {},
  ): Promise<Page<ExperimentRecord>> {
    const limit = options.limit ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
      throw new InvalidInputError(
        'invalid_value',
        'step_experiments',
        'limit',
        `limit must be an integer from 1 to ${MAX_PAGE_SIZE}`,
      );
    }
    const sort = `experiments:${stepId}`;
    let after: readonly (string | null)[] = [null, null];
    if (options.cursor) {
      after = this.#cursors.decode(organisationId, options.cursor, {
        sort,
        direction: 'asc',
        arity: 2,
      }).values;
    }
    // created_at travels as text (microseconds; a JS Date would round them off).
    const rows = await runQuery<Record<string, unknown>[]>(
      this.#manager,
      `SELECT *, created_at::text AS "__created_at" FROM outreach.step_experiments
        WHERE organisation_id = $1 AND step_id = $2
          AND ($3::timestamptz IS NULL OR (created_at, id) > ($3::timestamptz, $4::uuid))
        ORDER BY created_at, id LIMIT $5`,
      [organisationId, stepId, after[0], after[1], limit + 1],
    );
    const page = rows.slice(0, limit);
    const experiments = page.map((row) => this.#experiment(row));
    const variants = await this.#variantsOf(
      organisationId,
      experiments.map((e) => e.id),
    );
    const last = page.at(-1);
    return {
      items: experiments.map((experiment) => ({
        experiment,
        variants: variants.get(experiment.id) ?? [],
      })),
      nextCursor:
        rows.length > limit && last
          ? this.#cursors.encode(organisationId, {
              sort,
              direction: 'asc',
              values: [last.__created_at as string, last.id as string],
            })
          : null,
    };
  }

  /**
   * Moves the experiment from `change.from` to `change.to` in one UPDATE (setting started_at,
   * ended_at, winner_variant_id as asked); null when it is not (or no longer) in `from`.
   */
  async changeStatus(
    organisationId: OrganisationId,
    experimentId: string,
    change: ExperimentStatusChange,
  ): Promise<StepExperiment | null> {
    if (!isUuid(experimentId)) return null;
    if (change.winnerVariantId !== undefined && !isUuid(change.winnerVariantId)) {
      throw new InvalidInputError(
        'invalid_value',
        'step_experiments',
        'winner_variant_id',
        'variantId must be a UUID',
      );
    }
    const [rows] = await runQuery<[Record<string, unknown>[], number]>(
      this.#manager,
      `UPDATE outreach.step_experiments
          SET status = $4,
              started_at = CASE WHEN $5::boolean THEN now() ELSE started_at END,
              ended_at = CASE WHEN $6::boolean THEN now() ELSE ended_at END,
              winner_variant_id = coalesce($7::uuid, winner_variant_id)
        WHERE organisation_id = $1 AND id = $2 AND status = $3
        RETURNING *`,
      [
        organisationId,
        experimentId,
        change.from,
        change.to,
        change.setStartedAt ?? false,
        change.setEndedAt ?? false,
        change.winnerVariantId ?? null,
      ],
    );
    return rows[0] ? this.#experiment(rows[0]) : null;
  }

  /**
   * Changes how the experiment decides (auto-completion, confidence, minimum sample, minimum
   * detectable effect) unless it is completed or cancelled; null when not found or finished.
   */
  async configureDecision(
    organisationId: OrganisationId,
    experimentId: string,
    settings: ExperimentDecisionSettings,
  ): Promise<StepExperiment | null> {
    if (!isUuid(experimentId)) return null;
    const [rows] = await runQuery<[Record<string, unknown>[], number]>(
      this.#manager,
      `UPDATE outreach.step_experiments
          SET auto_complete = coalesce($3, auto_complete),
              confidence = coalesce($4, confidence),
              min_sample_per_variant = coalesce($5, min_sample_per_variant),
              minimum_detectable_effect = coalesce($6, minimum_detectable_effect)
        WHERE organisation_id = $1 AND id = $2 AND status IN ('draft', 'running')
        RETURNING *`,
      [
        organisationId,
        experimentId,
        settings.autoComplete ?? null,
        settings.confidence ?? null,
        settings.minSamplePerVariant ?? null,
        settings.minimumDetectableEffect ?? null,
      ],
    );
    return rows[0] ? this.#experiment(rows[0]) : null;
  }

  /**
   * running → completed with the winner and the figures it was decided on, in one UPDATE; null
   * when the experiment is not (or no longer) running. New assignments then go to the winner.
   */
  async completeWithDecision(
    organisationId: OrganisationId,
    experimentId: string,
    winnerVariantId: string,
    decision: Record<string, unknown>,
  ): Promise<StepExperiment | null> {
    if (!isUuid(experimentId) || !isUuid(winnerVariantId)) return null;
    const [rows] = await runQuery<[Record<string, unknown>[], number]>(
      this.#manager,
      `UPDATE outreach.step_experiments
          SET status = 'completed', ended_at = now(), winner_variant_id = $3, decision = $4::jsonb
        WHERE organisation_id = $1 AND id = $2 AND status = 'running'
        RETURNING *`,
      [organisationId, experimentId, winnerVariantId, JSON.stringify(decision)],
    );
    return rows[0] ? this.#experiment(rows[0]) : null;
  }

  async #variantsOf(
    organisationId: OrganisationId,
    experimentIds: readonly string[],
  ): Promise<Map<string, StepExperimentVariant[]>> {
    const byExperiment = new Map<string, StepExperimentVariant[]>();
    if (experimentIds.length === 0) return byExperiment;
    const rows = await runQuery<Record<string, unknown>[]>(
      this.#manager,
      `SELECT * FROM outreach.step_experiment_variants
        WHERE organisation_id = $1 AND experiment_id = ANY($2::uuid[])
        ORDER BY experiment_id, key COLLATE "C"`,
      [organisationId, [...experimentIds]],
    );
    for (const row of rows) {
      const variant = this.#variant(row);
      const list = byExperiment.get(variant.experimentId) ?? [];
      list.push(variant);
      byExperiment.set(variant.experimentId, list);
    }
    return byExperiment;
  }

  #experiment(row: Record<string, unknown>): StepExperiment {
    return hydrateAs(this.#manager, StepExperiment, row);
  }

  #variant(row: Record<string, unknown>): StepExperimentVariant {
    return hydrateAs(this.#manager, StepExperimentVariant, row);
  }
}

/** Byte order, as `COLLATE "C"` sorts the keys in SQL. */
function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
