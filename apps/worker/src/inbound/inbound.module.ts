import { Module } from '@nestjs/common';
import { SERVICE_CONFIG } from '@outreach/service-kit/config';
import type { WorkerConfig } from '../config/worker-config.schema.js';
import { ReplyRefiner } from '../llm/reply-refiner.js';
import { InboundSyncService } from './inbound-sync.service.js';
import { InboundProcessor } from './inbound.processor.js';
import { InboundService } from './inbound.service.js';

/**
 * Inbound mail: the mailbox sync scheduler and reader, the pushed-message processor, and the
 * optional LLM refinement of a reply's class (LLM_BASE_URL).
 */
@Module({
  providers: [
    InboundProcessor,
    InboundSyncService,
    InboundService,
    {
      provide: ReplyRefiner,
      inject: [SERVICE_CONFIG],
      useFactory: (config: WorkerConfig) => new ReplyRefiner(config.llm),
    },
  ],
})
export class InboundModule {}
