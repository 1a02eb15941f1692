import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { QueueContract } from '@outreach/jobs';
import { ContractProcessor } from './contract.processor.js';

/** The queue contracts this worker must serve (ALL_QUEUES from @outreach/jobs). */
export const SERVED_QUEUES = Symbol.for('outreach.worker.servedQueues');

/**
 * Refuses to start the worker when a queue has no processor, or a processor lacks a handler
 * for one of its queue's jobs: such jobs would otherwise wait or fail forever.
 */
@Injectable()
export class JobCoverageCheck implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    @Inject(SERVED_QUEUES) private readonly queues: readonly QueueContract[],
  ) {}

  onModuleInit(): void {
    const handled = new Map<string, Set<string>>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (instance instanceof ContractProcessor) {
        const processor = instance as ContractProcessor<QueueContract>;
        if (handled.has(processor.queue.name)) {
          throw new Error(`queue ${processor.queue.name} has two processors: keep one`);
        }
        handled.set(processor.queue.name, new Set(processor.handledJobs()));
      }
    }
    const missing: string[] = [];
    for (const queue of this.queues) {
      const jobs = handled.get(queue.name);
      for (const job of Object.keys(queue.jobs)) {
        if (!jobs?.has(job)) missing.push(`${queue.name}/${job}`);
      }
    }
    if (missing.length > 0) {
      throw new Error(`worker refuses to start: no handler for job ${missing.join(', ')}`);
    }
  }
}
