import type { JourneyResult, Rate, StatsFigures } from './journey.js';

/** Left-aligned first column, right-aligned figures, one header line and a rule. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join('  ');
  return [
    line(header),
    widths.map((width) => '-'.repeat(width)).join('  '),
    ...rows.map(line),
  ].join('\n');
}

const percent = (rate: number | null): string =>
  rate === null ? '-' : `${(rate * 100).toFixed(1)} %`;
const withRate = (count: number, rate: Rate): string => `${count} (${percent(rate.rate)})`;

/** What the prospects did, as the journey did it (not a measurement: the statistics are). */
export function actionsSummary(result: JourneyResult): string {
  const { actions } = result;
  return [
    `people opened ${actions.humanOpens.length} times, Apple's proxy loaded ${actions.proxyOpens.length} pixels`,
    `${actions.replies.length} reply, ${actions.autoReplies.length} auto-reply, ` +
      `${actions.unsubscribes.length} one-click unsubscribe, ${actions.bounces.length} bounce(s)`,
  ].join('\n');
}

/** The campaign's figures as `GET …/stats` gives them: the campaign, each step, each variant. */
export function statsReport(result: JourneyResult): string {
  const stats = result.stats;
  if (stats === null) return 'statistics: this api has no GET …/campaigns/:id/stats route';
  const row = (name: string, figures: StatsFigures): string[] => [
    name,
    figures.enrolled === null ? '' : String(figures.enrolled),
    String(figures.sent),
    String(figures.delivered),
    `${figures.bounced} (${figures.hardBounced} hard)`,
    withRate(figures.uniqueHumanOpens, figures.rates.open),
    String(figures.humanOpens),
    String(figures.machineOpens),
    withRate(figures.humanReplies, figures.rates.reply),
    String(figures.autoReplies),
    String(figures.unsubscribes),
  ];
  return table(
    [
      '',
      'enrolled',
      'sent',
      'delivered',
      'bounced',
      'opened by people',
      'human opens',
      'machine opens',
      'replies',
      'auto-replies',
      'unsubscribes',
    ],
    [
      row('campaign', stats.total),
      ...stats.steps.map((step) => row(`step ${step.stepOrder}`, step)),
      ...stats.variants.map((variant) => row(`  variant ${variant.variantKey}`, variant)),
    ],
  );
}

/** The A/B verdict as `GET …/experiments` states it, with each variant's figures. */
export function verdictReport(result: JourneyResult): string {
  const decisions = result.experiments;
  if (decisions === null)
    return 'A/B decision: this api has no GET …/campaigns/:id/experiments route';
  return decisions.experiments
    .map((experiment) => {
      const { assessment } = experiment;
      const rows = assessment.variants.map((variant) => [
        variant.key,
        String(variant.delivered),
        String(variant.conversions),
        percent(variant.rate),
        `${percent(variant.interval.lower)} – ${percent(variant.interval.upper)}`,
        percent(variant.probabilityBest),
        String(variant.sampleNeeded),
      ]);
      return [
        `A/B test "${experiment.name}" (${experiment.metric}, ${experiment.status}): ${assessment.verdict} — ${assessment.message}`,
        table(
          [
            'variant',
            'delivered',
            'conversions',
            'rate',
            `${Math.round(assessment.confidence * 100)} % interval`,
            'P(best)',
            'still needed',
          ],
          rows,
        ),
      ].join('\n');
    })
    .join('\n\n');
}
