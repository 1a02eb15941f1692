import { Module } from '@nestjs/common';
import { MailServerProbe } from './mail-server-probe.js';
import { MailboxesController } from './mailboxes.controller.js';
import { MailboxesService } from './mailboxes.service.js';

@Module({
  controllers: [MailboxesController],
  providers: [MailboxesService, MailServerProbe],
})
export class MailboxesModule {}
