import { Module } from '@nestjs/common';
import { MailboxTransports } from '@outreach/mailer';
import { SERVICE_CONFIG } from '@outreach/service-kit/config';
import type { WorkerConfig } from '../config/worker-config.schema.js';
import { EmailWriter } from '../llm/email-writer.js';
import { DeliveryMetrics } from './delivery.metrics.js';
import { DeliveryProcessor } from './delivery.processor.js';
import { SendStepService } from './send-step.service.js';
import { MailTransportsLifecycle } from './mail-transports.lifecycle.js';

/** The sequence engine: the claim scheduler, the send processor, SMTP transports, the LLM. */
@Module({
  providers: [
    DeliveryProcessor,
    SendStepService,
    DeliveryMetrics,
    MailTransportsLifecycle,
    {
      provide: MailboxTransports,
      inject: [SERVICE_CONFIG],
      useFactory: (config: WorkerConfig) =>
        new MailboxTransports({
          maxConnections: config.delivery.smtpPoolConnections,
          connectionTimeoutMs: config.delivery.smtpTimeoutMs,
          socketTimeoutMs: config.delivery.smtpTimeoutMs,
        }),
    },
    {
      provide: EmailWriter,
      inject: [SERVICE_CONFIG],
      useFactory: (config: WorkerConfig) => new EmailWriter(config.llm),
    },
  ],
  exports: [DeliveryMetrics],
})
export class DeliveryModule {}
