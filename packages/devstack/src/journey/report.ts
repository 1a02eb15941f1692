import type { JourneyResult, OpenFigures } from './journey.js';

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

const percent = (rate: number | null | undefined): string =>
  rate === null || rate === undefined ? '-' : `${(rate * 100).toFixed(1)} %`;

/** What the prospects did, as the journey did it (not a measurement: the stats below are). */
export function actionsSummary(result: JourneyResult): string {
  const { actions } = result;
  return [
    `people opened ${actions.humanOpens.length} times, Apple's proxy loaded ${actions.proxyOpens.length} pixels`,
    `${actions.replies.length} reply, ${actions.autoReplies.length} auto-reply, ` +
      `${actions.unsubscribes.length} one-click unsubscribe, ${actions.bounces.length} bounce`,
  ].join('\n');
}

/**
 * The campaign's figures as the api reports them: `GET …/stats` when the api has it, else the
 * open statistics (`GET …/open-stats`) with the messages' statuses.
 */
export function statsReport(result: JourneyResult): string {
  if (result.stats !== null) return JSON.stringify(result.stats, null, 2);
  const sent = (where: (variantId: string | null, step: number) => boolean) =>
    result.messages.filter(
      (message) => message.status === 'sent' && where(message.variantId, message.stepOrder),
    ).length;
  const bounced = (where: (variantId: string | null) => boolean) =>
    result.messages.filter((message) => message.status === 'bounced' && where(message.variantId))
      .length;
  const row = (name: string, figures: OpenFigures, sentCount: number, bouncedCount: number) => [
    name,
    String(sentCount + bouncedCount),
    String(bouncedCount),
    String(figures.delivered),
    String(figures.uniqueHumanOpens),
    percent(figures.openRate),
    String(figures.machineOpens),
  ];
  const open = result.openStats;
  const rows = [
    row(
      'campaign',
      open.total,
      sent(() => true),
      bounced(() => true),
    ),
    ...open.steps.map((step) =>
      row(
        `step ${step.stepOrder}`,
        step,
        sent((_, order) => order === step.stepOrder),
        step.stepOrder === 1 ? bounced(() => true) : 0,
      ),
    ),
    ...open.variants.map((variant) =>
      row(
        `  variant ${result.variants.get(variant.variantId) ?? variant.variantId}`,
        variant,
        sent((variantId) => variantId === variant.variantId),
        bounced((variantId) => variantId === variant.variantId),
      ),
    ),
  ];
  return table(
    ['', 'attempted', 'bounced', 'delivered', 'people opened', 'open rate', 'machine opens'],
    rows,
  );
}

/** The A/B verdict as the api states it, or why there is none. */
export function verdictReport(result: JourneyResult): string {
  if (result.experiments === null) {
    return 'A/B decision: this api has no experiment statistics route yet (GET …/campaigns/:id/experiments)';
  }
  return JSON.stringify(result.experiments, null, 2);
}
