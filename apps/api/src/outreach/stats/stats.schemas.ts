import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

// OpenAPI shapes of the analytics answers (documentation only: the services return the
// repository's plain objects, which these classes describe field by field).

export class RateSchema {
  @ApiProperty() numerator!: number;
  @ApiProperty() denominator!: number;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'numerator / denominator; null when 0',
  })
  rate!: number | null;
}

export class RatesSchema {
  @ApiProperty({ type: RateSchema, description: 'delivered / sent' }) delivery!: RateSchema;
  @ApiProperty({ type: RateSchema, description: 'bounced / sent' }) bounce!: RateSchema;
  @ApiProperty({ type: RateSchema, description: 'uniqueHumanOpens / delivered' })
  open!: RateSchema;
  @ApiProperty({ type: RateSchema, description: 'humanReplies / delivered' }) reply!: RateSchema;
  @ApiProperty({ type: RateSchema, description: 'autoReplies / delivered' })
  autoReply!: RateSchema;
  @ApiProperty({ type: RateSchema, description: 'unsubscribes / delivered' })
  unsubscribe!: RateSchema;
}

export class StatsFiguresSchema {
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'enrollments (campaign), assignments (variant); null for steps and mailboxes',
  })
  enrolled!: number | null;
  @ApiProperty({ description: 'handed to SMTP: status sent or bounced' }) sent!: number;
  @ApiProperty({ description: 'sent and not bounced' }) delivered!: number;
  @ApiProperty() bounced!: number;
  @ApiProperty({ description: 'a hard DSN or a rejection at SMTP time' }) hardBounced!: number;
  @ApiProperty({ description: 'a soft DSN (and no hard one)' }) softBounced!: number;
  @ApiProperty({ description: 'delivered messages with at least one human open ("opened")' })
  uniqueHumanOpens!: number;
  @ApiProperty({ description: 'pixel fetches of delivered messages' }) totalOpens!: number;
  @ApiProperty() humanOpens!: number;
  @ApiProperty({ description: 'Apple MPP, scanners, prefetch, too soon' }) machineOpens!: number;
  @ApiProperty({ description: 'delivered messages with a human reply' }) humanReplies!: number;
  @ApiProperty({ description: 'delivered messages with an auto-reply or out-of-office' })
  autoReplies!: number;
  @ApiProperty({
    description:
      'unsubscribe suppressions whose source is one of these messages (one-click link) or an inbound "unsubscribe in words" answering one',
  })
  unsubscribes!: number;
  @ApiProperty({ type: RatesSchema }) rates!: RatesSchema;
}

export class StepStatsSchema extends StatsFiguresSchema {
  @ApiProperty({ format: 'uuid' }) stepId!: string;
  @ApiProperty() stepOrder!: number;
}

export class VariantStatsSchema extends StatsFiguresSchema {
  @ApiProperty({ format: 'uuid' }) stepId!: string;
  @ApiProperty({ format: 'uuid' }) experimentId!: string;
  @ApiProperty({ format: 'uuid' }) variantId!: string;
  @ApiProperty() variantKey!: string;
}

export class MailboxStatsSchema extends StatsFiguresSchema {
  @ApiProperty({ format: 'uuid' }) mailboxId!: string;
  @ApiProperty({ type: String, nullable: true }) mailboxEmail!: string | null;
}

/** Where the figures come from and as of when (CampaignStatsRepository StatsFreshness). */
export class StatsFreshnessSchema {
  @ApiProperty({
    enum: ['rollup', 'live'],
    description:
      'rollup: the pre-aggregated figures the worker rebuilds from the data; live: counted in this request',
  })
  source!: string;
  @ApiProperty({
    type: String,
    format: 'date-time',
    description: 'every change committed before this time is counted',
  })
  computedAt!: string;
  @ApiProperty({
    description:
      'the data changed after computedAt and these figures do not show it yet (a large campaign between two rollups)',
  })
  pendingChanges!: boolean;
}

export class CampaignStatsSchema extends StatsFreshnessSchema {
  @ApiProperty({ format: 'uuid' }) campaignId!: string;
  @ApiProperty({ example: 'Europe/Paris' }) timezone!: string;
  @ApiProperty({ type: StatsFiguresSchema }) total!: StatsFiguresSchema;
  @ApiProperty({ type: [StepStatsSchema] }) steps!: StepStatsSchema[];
  @ApiProperty({ type: [VariantStatsSchema] }) variants!: VariantStatsSchema[];
  @ApiProperty({ type: [MailboxStatsSchema] }) mailboxes!: MailboxStatsSchema[];
}

export class CampaignOfMailboxStatsSchema extends StatsFiguresSchema {
  @ApiProperty({ format: 'uuid' }) campaignId!: string;
  @ApiProperty() campaignName!: string;
}

export class MailboxStatsViewSchema {
  @ApiProperty({ format: 'uuid' }) mailboxId!: string;
  @ApiProperty({
    enum: ['rollup', 'live', 'mixed'],
    description:
      'rollup: every campaign from its rollup; live: counted in this request; mixed: campaigns whose rollup is current from it, the others live',
  })
  source!: string;
  @ApiProperty({
    type: String,
    format: 'date-time',
    description: 'every change committed before this time is counted (the oldest rollup read)',
  })
  computedAt!: string;
  @ApiProperty({
    description:
      'a large campaign changed after its rollup and its figures here do not show it yet',
  })
  pendingChanges!: boolean;
  @ApiProperty({ type: StatsFiguresSchema }) total!: StatsFiguresSchema;
  @ApiProperty({ type: [CampaignOfMailboxStatsSchema] })
  campaigns!: CampaignOfMailboxStatsSchema[];
}

export class DailyStatsSchema {
  @ApiProperty({ example: '2025-12-01' }) day!: string;
  @ApiProperty() enrolled!: number;
  @ApiProperty() sent!: number;
  @ApiProperty() delivered!: number;
  @ApiProperty() bounced!: number;
  @ApiProperty({ description: 'messages whose first human open fell on that day' })
  uniqueHumanOpens!: number;
  @ApiProperty({
    description:
      'pixel fetches of the messages first opened that day (open statistics are kept per message: its fetches count on the day of its first)',
  })
  totalOpens!: number;
  @ApiProperty({ description: 'machine fetches (Apple MPP, scanners, prefetch), as totalOpens' })
  machineOpens!: number;
  @ApiProperty() humanReplies!: number;
  @ApiProperty() autoReplies!: number;
  @ApiProperty({ description: 'unsubscribe suppressions recorded that day' })
  unsubscribes!: number;
}

export class DailySeriesSchema extends StatsFreshnessSchema {
  @ApiProperty({ format: 'uuid' }) campaignId!: string;
  @ApiProperty() timezone!: string;
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
  @ApiProperty({ type: [DailyStatsSchema] }) days!: DailyStatsSchema[];
}

export class IntervalSchema {
  @ApiProperty() lower!: number;
  @ApiProperty() upper!: number;
  @ApiProperty({ description: 'credible level (the confidence)' }) level!: number;
}

export class VariantAssessmentSchema {
  @ApiProperty({ format: 'uuid' }) variantId!: string;
  @ApiProperty() key!: string;
  @ApiProperty() delivered!: number;
  @ApiProperty({ description: "the metric's numerator" }) conversions!: number;
  @ApiProperty({ type: Number, nullable: true }) rate!: number | null;
  @ApiProperty({ type: IntervalSchema, description: 'equal-tailed Beta posterior interval' })
  interval!: IntervalSchema;
  @ApiProperty({ type: Number, nullable: true, description: 'P(this variant is the best)' })
  probabilityBest!: number | null;
  @ApiProperty({ description: 'delivered messages still needed before a decision' })
  sampleNeeded!: number;
}

export class AssessmentSchema {
  @ApiProperty({ enum: ['single_variant', 'not_enough_data', 'winner', 'no_clear_winner'] })
  verdict!: string;
  @ApiProperty() message!: string;
  @ApiProperty({ enum: ['bayesian_beta_binomial'] }) method!: string;
  @ApiProperty({ enum: ['beta(1,1)'] }) prior!: string;
  @ApiProperty() confidence!: number;
  @ApiProperty({ example: 0.8 }) power!: number;
  @ApiProperty() minimumDetectableEffect!: number;
  @ApiProperty({ type: Number, nullable: true }) baselineRate!: number | null;
  @ApiProperty() requiredSamplePerVariant!: number;
  @ApiProperty() powerSamplePerVariant!: number;
  @ApiProperty() minSamplePerVariant!: number;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) leaderVariantId!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) winnerVariantId!: string | null;
  @ApiProperty({ type: [VariantAssessmentSchema] }) variants!: VariantAssessmentSchema[];
}

export class ExperimentVariantCountSchema {
  @ApiProperty({ format: 'uuid' }) variantId!: string;
  @ApiProperty() key!: string;
  @ApiProperty() weight!: number;
  @ApiProperty() delivered!: number;
  @ApiProperty() uniqueHumanOpens!: number;
  @ApiProperty() humanReplies!: number;
}

export class ExperimentDecisionSchema {
  @ApiProperty({ format: 'uuid' }) experimentId!: string;
  @ApiProperty({ format: 'uuid' }) stepId!: string;
  @ApiProperty() stepOrder!: number;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['draft', 'running', 'completed', 'cancelled'] }) status!: string;
  @ApiProperty({ enum: ['open_rate', 'reply_rate'] }) metric!: string;
  @ApiProperty() autoComplete!: boolean;
  @ApiProperty() confidence!: number;
  @ApiProperty() minSamplePerVariant!: number;
  @ApiProperty() minimumDetectableEffect!: number;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) winnerVariantId!: string | null;
  @ApiPropertyOptional({
    type: 'object',
    nullable: true,
    additionalProperties: true,
    description: 'the figures an automatic completion was decided on (null otherwise)',
  })
  decision!: Record<string, unknown> | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) startedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) endedAt!: string | null;
  @ApiProperty({ type: [ExperimentVariantCountSchema] })
  variants!: ExperimentVariantCountSchema[];
  @ApiProperty({ type: AssessmentSchema }) assessment!: AssessmentSchema;
}

export class CampaignExperimentsSchema {
  @ApiProperty({ format: 'uuid' }) campaignId!: string;
  @ApiProperty({ type: [ExperimentDecisionSchema] }) experiments!: ExperimentDecisionSchema[];
}
