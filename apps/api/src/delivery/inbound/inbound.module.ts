import { Module } from '@nestjs/common';
import { InboundController, InboundSecretController } from './inbound.controller.js';
import { InboundService } from './inbound.service.js';

/** Inbound mail's push endpoint and the per-mailbox secret that authenticates it. */
@Module({
  controllers: [InboundController, InboundSecretController],
  providers: [InboundService],
})
export class InboundModule {}
