import { Injectable, Logger } from '@nestjs/common';
import { SystemDatabase } from '@outreach/db/system';
import {
  JobProducer,
  maintenanceQueue,
  type EvaluateExperimentResult,
  type EvaluateExperimentsResult,
} from '@outreach/jobs';
import { assessExperimentMetric } from '@outreach/sequencing';
import { TenantDatabase } from '@outreach/tenancy';

/** Who completes an experiment automatically (recorded in its decision). */
export const AUTO_DECIDER = 'worker:evaluate-experiment';

/**
 * Auto-completion of A/B experiments. `evaluate-experiments` (system job, scheduled) lists the
 * running experiments with auto_complete of every organisation (ids only) and enqueues one
 * `evaluate-experiment` per experiment; that tenant job assesses the experiment on its metric
 * (@outreach/sequencing assessExperimentMetric: Beta-Binomial, probability of being the best,
 * power-based sample) and, when a variant wins, completes it with the winner and the figures in
 * one conditional UPDATE (running → completed). From then on the engine gives every new
 * assignment the winner (delivery.send_task_context picks a completed experiment's winner).
 */
@Injectable()
export class ExperimentEvaluationService {
  private readonly logger = new Logger(ExperimentEvaluationService.name);

  constructor(
    private readonly system: SystemDatabase,
    private readonly producer: JobProducer,
    private readonly tenants: TenantDatabase,
  ) {}

  async enqueueDue(): Promise<EvaluateExperimentsResult> {
    const experiments = await this.system.experimentsToEvaluate();
    const added = await this.producer.enqueueMany(
      maintenanceQueue,
      'evaluate-experiment',
      experiments.map((x) => ({
        payload: { organisationId: x.organisationId, experimentId: x.experimentId },
        options: { jobId: `evaluate-${x.experimentId}`, removeWhenDone: true, attempts: 3 },
      })),
    );
    return { experiments: experiments.length, enqueued: added.length };
  }

  /** Runs inside the job's tenant context (ContractProcessor entered it). */
  async evaluate(experimentId: string): Promise<EvaluateExperimentResult> {
    const organisationId = this.tenants.organisationId();
    const result = await this.tenants.transaction(async ({ repositories }) => {
      const counts = (
        await repositories.campaignStats.experiments(organisationId, { experimentId })
      )?.[0];
      if (!counts || counts.status !== 'running' || !counts.autoComplete) {
        return skipped(
          experimentId,
          counts ? `${counts.status}, auto_complete ${String(counts.autoComplete)}` : 'not found',
        );
      }
      const assessment = assessExperimentMetric(counts.metric, counts.variants, {
        confidence: counts.confidence,
        minSamplePerVariant: counts.minSamplePerVariant,
        minimumDetectableEffect: counts.minimumDetectableEffect,
      });
      if (assessment.verdict !== 'winner' || assessment.winnerVariantId === null) {
        return {
          experimentId,
          outcome: 'kept' as const,
          verdict: assessment.verdict,
          winnerVariantId: null,
          message: assessment.message,
        };
      }
      const decidedAt = new Date().toISOString();
      const completed = await repositories.experiments.completeWithDecision(
        organisationId,
        experimentId,
        assessment.winnerVariantId,
        { ...assessment, metric: counts.metric, decidedAt, decidedBy: AUTO_DECIDER },
      );
      if (!completed) return skipped(experimentId, 'no longer running');
      return {
        experimentId,
        outcome: 'completed' as const,
        verdict: assessment.verdict,
        winnerVariantId: assessment.winnerVariantId,
        message: assessment.message,
      };
    });
    if (result.outcome === 'completed') {
      this.logger.log(
        `experiment ${experimentId} of organisation ${organisationId} completed: ${result.message}`,
      );
    }
    return result;
  }
}

function skipped(experimentId: string, why: string): EvaluateExperimentResult {
  return {
    experimentId,
    outcome: 'skipped',
    verdict: null,
    winnerVariantId: null,
    message: `not evaluated: ${why}`,
  };
}
