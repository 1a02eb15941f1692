import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { MailboxTransports } from '@outreach/mailer';

/** Closes every pooled SMTP connection once the queues have stopped (in-flight sends done). */
@Injectable()
export class MailTransportsLifecycle implements OnApplicationShutdown {
  constructor(private readonly transports: MailboxTransports) {}

  async onApplicationShutdown(): Promise<void> {
    await this.transports.closeAll();
  }
}
