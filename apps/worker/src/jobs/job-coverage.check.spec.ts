import { Test } from '@nestjs/testing';
import { DiscoveryModule } from '@nestjs/core';
import {
  ALL_QUEUES,
  defineQueue,
  JobProducer,
  maintenanceQueue,
  systemJob,
  tenantJob,
} from '@outreach/jobs';
import { TenantDatabase } from '@outreach/tenancy';
import { z } from 'zod';
import { SystemDatabase } from '@outreach/db/system';
import { SERVICE_CONFIG } from '@outreach/service-kit/config';
import { DeliveryMetrics } from '../delivery/delivery.metrics.js';
import { DeliveryProcessor } from '../delivery/delivery.processor.js';
import { SendStepService } from '../delivery/send-step.service.js';
import { ImportsProcessor } from '../imports/imports.processor.js';
import { InboundSyncService } from '../inbound/inbound-sync.service.js';
import { InboundProcessor } from '../inbound/inbound.processor.js';
import { InboundService } from '../inbound/inbound.service.js';
import { MaintenanceProcessor } from '../maintenance/maintenance.processor.js';
import { ExperimentEvaluationService } from '../maintenance/experiment-evaluation.service.js';
import { StatsRollupService } from '../maintenance/stats-rollup.service.js';
import { JobCoverageCheck, SERVED_QUEUES } from './job-coverage.check.js';

async function start(queues: readonly unknown[]): Promise<void> {
  const moduleRef = await Test.createTestingModule({
    imports: [DiscoveryModule],
    providers: [
      JobCoverageCheck,
      MaintenanceProcessor,
      ImportsProcessor,
      DeliveryProcessor,
      InboundProcessor,
      { provide: InboundSyncService, useValue: {} },
      { provide: InboundService, useValue: {} },
      { provide: SERVED_QUEUES, useValue: queues },
      // DeliveryProcessor's collaborators, never called here but to register its scheduler.
      { provide: SystemDatabase, useValue: {} },
      { provide: JobProducer, useValue: { schedule: () => Promise.resolve() } },
      { provide: SendStepService, useValue: {} },
      { provide: ExperimentEvaluationService, useValue: {} },
      { provide: StatsRollupService, useValue: {} },
      { provide: DeliveryMetrics, useValue: {} },
      {
        provide: SERVICE_CONFIG,
        useValue: {
          delivery: { claimEveryMs: 1_000, concurrency: 1 },
          experiments: { evaluationEveryMs: 60_000 },
          stats: { rollupEveryMs: 60_000, statisticsCheckEveryMs: 1_000 },
          inbound: { pollIntervalMs: 60_000, concurrency: 1 },
        },
      },
      // Never queried here: the check only reads which jobs each processor handles.
      {
        provide: TenantDatabase,
        useValue: Object.create(TenantDatabase.prototype) as TenantDatabase,
      },
    ],
  }).compile();
  try {
    await moduleRef.init();
  } finally {
    await moduleRef.close();
  }
}

describe('JobCoverageCheck', () => {
  it('lets the worker start when every job of every queue has a handler', async () => {
    await expect(start(ALL_QUEUES)).resolves.toBeUndefined();
  });

  it('refuses to start when a job has no handler, naming it', async () => {
    const extended = defineQueue(maintenanceQueue.name, {
      ...maintenanceQueue.jobs,
      vacuum: systemJob(z.object({ olderThanDays: z.number().int() })),
    });
    await expect(start([extended])).rejects.toThrow(
      'worker refuses to start: no handler for job outreach.maintenance/vacuum',
    );
  });

  it('refuses to start when a queue has no processor', async () => {
    const orphan = defineQueue('outreach.sends', {
      'send-step': tenantJob(z.object({ organisationId: z.uuid(), taskId: z.uuid() })),
    });
    await expect(start([maintenanceQueue, orphan])).rejects.toThrow(
      'no handler for job outreach.sends/send-step',
    );
  });
});
