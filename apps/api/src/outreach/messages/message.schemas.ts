import { ApiProperty } from '@nestjs/swagger';
import { INBOUND_CLASSES, MESSAGE_DIRECTIONS, MESSAGE_STATUSES } from '@outreach/db';

// OpenAPI shapes of a campaign's messages (documentation only: the service returns the
// repository's hydrated entities, which these classes describe field by field).

/** A message without its bodies (the list). */
export class MessageSummarySchema {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) organisationId!: string;
  @ApiProperty({ enum: MESSAGE_DIRECTIONS }) direction!: string;
  @ApiProperty({ enum: MESSAGE_STATUSES }) status!: string;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) enrollmentId!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) taskId!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) positionId!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' })
  stepExperimentId!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) variantId!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) mailboxId!: string | null;
  @ApiProperty() fromEmail!: string;
  @ApiProperty({ type: String, nullable: true }) fromName!: string | null;
  @ApiProperty() toEmail!: string;
  @ApiProperty({ type: String, nullable: true }) subject!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'RFC 5322 Message-ID' })
  messageId!: string | null;
  @ApiProperty({ type: String, nullable: true }) inReplyTo!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) sentAt!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) receivedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) error!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    enum: INBOUND_CLASSES,
    description: 'inbound only: what came back, as the inbound reader classified it',
  })
  inboundClass!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    format: 'uuid',
    description: 'inbound only: our outbound message this one answers or bounces',
  })
  repliedToMessageId!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'inbound only: why that class' })
  classificationReason!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    format: 'date',
    description: 'inbound out-of-office only: the return date found',
  })
  returnsOn!: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt!: string;
}

/** A message with its bodies (the detail). */
export class MessageSchema extends MessageSummarySchema {
  @ApiProperty({ type: String, nullable: true }) bodyText!: string | null;
  @ApiProperty({ type: String, nullable: true }) bodyHtml!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'inbound only: the visible reply, without the quoted thread',
  })
  replyText!: string | null;
}

/** One page of a campaign's messages. */
export class MessagePageSchema {
  @ApiProperty({ type: [MessageSummarySchema] }) items!: MessageSummarySchema[];
  @ApiProperty({ type: String, nullable: true, description: 'pass as ?cursor= for the next page' })
  nextCursor!: string | null;
}
