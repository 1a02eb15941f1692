import { Module } from '@nestjs/common';
import { InboundSyncService } from './inbound-sync.service.js';
import { InboundProcessor } from './inbound.processor.js';
import { InboundService } from './inbound.service.js';

/** Inbound mail: the mailbox sync scheduler and reader, the pushed-message processor. */
@Module({
  providers: [InboundProcessor, InboundSyncService, InboundService],
})
export class InboundModule {}
