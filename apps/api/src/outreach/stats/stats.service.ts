import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import type {
  CampaignStats,
  DailySeries,
  ExperimentCounts,
  MailboxStatsView,
  OrganisationId,
  Repositories,
  StatsFigures,
} from '@outreach/db';
import { csvLine } from '@outreach/pharow';
import { assessExperimentMetric, type ExperimentAssessment } from '@outreach/sequencing';
import { TenantDatabase } from '@outreach/tenancy';
import type { DailyStatsQuery } from './dto/daily-stats.query.js';

/** Longest daily series one request may ask for. */
export const MAX_DAILY_RANGE_DAYS = 366;
/** Days of the default series (ending today, not before the campaign's first day). */
const DEFAULT_DAILY_DAYS = 30;
const DAY_MS = 86_400_000;

/** An experiment's counts with its A/B assessment (@outreach/sequencing assessExperiment). */
export interface ExperimentDecisionView extends ExperimentCounts {
  assessment: ExperimentAssessment;
}

export interface CampaignExperimentsView {
  campaignId: string;
  experiments: ExperimentDecisionView[];
}

/**
 * Campaign analytics, read-only: every figure computed in SQL by packages/db
 * (CampaignStatsRepository) in the request's tenant transaction — from the campaign's rollup
 * (rebuilt from the data by the worker) when it is current, else counted live; the answer says
 * which (`source`) and as of when (`computedAt`, `pendingChanges`). The A/B verdicts by
 * @outreach/sequencing. Not found (another organisation's id too) is a 404.
 */
@Injectable()
export class StatsService {
  constructor(private readonly database: TenantDatabase) {}

  async campaign(campaignId: string): Promise<CampaignStats> {
    const stats = await this.repositories().campaignStats.forCampaign(
      this.organisation(),
      campaignId,
    );
    if (!stats) throw new NotFoundException('campaign not found');
    return stats;
  }

  /** The campaign's figures as CSV: one row for the campaign, each step, variant and mailbox. */
  async campaignCsv(campaignId: string): Promise<string> {
    const stats = await this.campaign(campaignId);
    const rows: string[][] = [
      ['campaign', '', '', '', '', ...figureCells(stats.total)],
      ...stats.steps.map((s) => ['step', String(s.stepOrder), s.stepId, '', '', ...figureCells(s)]),
      ...stats.variants.map((v) => [
        'variant',
        String(stats.steps.find((s) => s.stepId === v.stepId)?.stepOrder ?? ''),
        v.stepId,
        v.variantKey,
        '',
        ...figureCells(v),
      ]),
      ...stats.mailboxes.map((m) => [
        'mailbox',
        '',
        '',
        '',
        m.mailboxEmail ?? m.mailboxId,
        ...figureCells(m),
      ]),
    ];
    return `\uFEFF${csvLine([...SCOPE_HEADER, ...FIGURE_HEADER])}${rows.map((r) => csvLine(r)).join('')}`;
  }

  async daily(campaignId: string, query: DailyStatsQuery): Promise<DailySeries> {
    const stats = this.repositories().campaignStats;
    const span = await stats.span(this.organisation(), campaignId);
    if (!span) throw new NotFoundException('campaign not found');
    const to = query.to ?? span.today;
    const from = query.from ?? defaultFrom(span.firstDay, to);
    const errors: { field: string; messages: string[] }[] = [];
    if (!isCalendarDay(from)) errors.push({ field: 'from', messages: [`${from} is not a day`] });
    if (!isCalendarDay(to)) errors.push({ field: 'to', messages: [`${to} is not a day`] });
    if (errors.length > 0) throw badRequest(errors.flatMap((e) => e.messages).join('; '), errors);
    const days = (Date.parse(to) - Date.parse(from)) / DAY_MS + 1;
    if (days < 1) {
      throw badRequest(`from (${from}) must not be after to (${to})`, [
        { field: 'from', messages: ['after to'] },
      ]);
    }
    if (days > MAX_DAILY_RANGE_DAYS) {
      throw badRequest(
        `at most ${MAX_DAILY_RANGE_DAYS} days per request, asked for ${days} (${from} to ${to})`,
        [{ field: 'to', messages: [`more than ${MAX_DAILY_RANGE_DAYS} days after from`] }],
      );
    }
    if (to < span.firstDay || from > span.today) {
      throw badRequest(
        `${from} to ${to} is outside the campaign: it runs from ${span.firstDay} (created) to ${span.today} (today) in ${span.timezone}`,
        [{ field: to < span.firstDay ? 'to' : 'from', messages: ['outside the campaign'] }],
      );
    }
    const series = await stats.daily(this.organisation(), campaignId, { from, to });
    if (!series) throw new NotFoundException('campaign not found');
    return series;
  }

  async dailyCsv(campaignId: string, query: DailyStatsQuery): Promise<string> {
    const series = await this.daily(campaignId, query);
    const header = [
      'day',
      'enrolled',
      'sent',
      'delivered',
      'bounced',
      'unique_human_opens',
      'total_opens',
      'machine_opens',
      'human_replies',
      'auto_replies',
      'unsubscribes',
    ];
    const rows = series.days.map((d) => [
      d.day,
      ...[
        d.enrolled,
        d.sent,
        d.delivered,
        d.bounced,
        d.uniqueHumanOpens,
        d.totalOpens,
        d.machineOpens,
        d.humanReplies,
        d.autoReplies,
        d.unsubscribes,
      ].map(String),
    ]);
    return `\uFEFF${csvLine(header)}${rows.map((r) => csvLine(r)).join('')}`;
  }

  async mailbox(mailboxId: string): Promise<MailboxStatsView> {
    const view = await this.repositories().campaignStats.forMailbox(this.organisation(), mailboxId);
    if (!view) throw new NotFoundException('mailbox not found');
    return view;
  }

  /** Every experiment of the campaign with its variants' figures and its A/B assessment. */
  async experiments(campaignId: string): Promise<CampaignExperimentsView> {
    const experiments = await this.repositories().campaignStats.experiments(this.organisation(), {
      campaignId,
    });
    if (!experiments) throw new NotFoundException('campaign not found');
    return {
      campaignId,
      experiments: experiments.map((counts) => ({
        ...counts,
        assessment: assessCounts(counts),
      })),
    };
  }

  private repositories(): Repositories {
    return this.database.repositories();
  }

  private organisation(): OrganisationId {
    return this.database.organisationId();
  }
}

/** The A/B assessment of an experiment's counts on its metric (unique human opens or replies). */
export function assessCounts(counts: ExperimentCounts): ExperimentAssessment {
  return assessExperimentMetric(counts.metric, counts.variants, {
    confidence: counts.confidence,
    minSamplePerVariant: counts.minSamplePerVariant,
    minimumDetectableEffect: counts.minimumDetectableEffect,
  });
}

const SCOPE_HEADER = ['scope', 'step_order', 'step_id', 'variant', 'mailbox'];
const FIGURE_HEADER = [
  'enrolled',
  'sent',
  'delivered',
  'bounced',
  'hard_bounced',
  'soft_bounced',
  'unique_human_opens',
  'total_opens',
  'human_opens',
  'machine_opens',
  'human_replies',
  'auto_replies',
  'unsubscribes',
  'delivery_rate',
  'bounce_rate',
  'open_rate',
  'reply_rate',
  'auto_reply_rate',
  'unsubscribe_rate',
];

function figureCells(f: StatsFigures): string[] {
  const rate = (value: number | null): string => (value === null ? '' : value.toFixed(4));
  return [
    f.enrolled === null ? '' : String(f.enrolled),
    ...[
      f.sent,
      f.delivered,
      f.bounced,
      f.hardBounced,
      f.softBounced,
      f.uniqueHumanOpens,
      f.totalOpens,
      f.humanOpens,
      f.machineOpens,
      f.humanReplies,
      f.autoReplies,
      f.unsubscribes,
    ].map(String),
    rate(f.rates.delivery.rate),
    rate(f.rates.bounce.rate),
    rate(f.rates.open.rate),
    rate(f.rates.reply.rate),
    rate(f.rates.autoReply.rate),
    rate(f.rates.unsubscribe.rate),
  ];
}

function badRequest(
  message: string,
  errors: { field: string; messages: string[] }[],
): BadRequestException {
  return new BadRequestException({ statusCode: 400, error: 'Bad Request', message, errors });
}

function isCalendarDay(day: string): boolean {
  const time = Date.parse(`${day}T00:00:00Z`);
  return !Number.isNaN(time) && new Date(time).toISOString().slice(0, 10) === day;
}

function addDays(day: string, days: number): string {
  const time = Date.parse(`${day}T00:00:00Z`);
  if (Number.isNaN(time)) return day;
  return new Date(time + days * DAY_MS).toISOString().slice(0, 10);
}

/** DEFAULT_DAILY_DAYS days ending `to`, starting no earlier than the campaign's first day. */
function defaultFrom(firstDay: string, to: string): string {
  const from = addDays(to, -(DEFAULT_DAILY_DAYS - 1));
  return from < firstDay && firstDay <= to ? firstDay : from;
}
