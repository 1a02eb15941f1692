import { asOrganisationId } from '@outreach/db';
import { seedCampaignActivity, type CampaignActivity } from '@outreach/db/testing';
import jStat from 'jstat';
import { ApiHarness } from './support/api-harness.js';
import { organisationWithData, type OrgFixture } from './support/fixtures.js';
import { seedCampaign } from './support/outreach-seed.js';

interface Figures {
  enrolled: number | null;
  sent: number;
  delivered: number;
  uniqueHumanOpens: number;
  humanReplies: number;
  unsubscribes: number;
  rates: Record<string, { numerator: number; denominator: number; rate: number | null }>;
}
interface Assessment {
  verdict: string;
  message: string;
  requiredSamplePerVariant: number;
  variants: {
    key: string;
    delivered: number;
    conversions: number;
    rate: number | null;
    interval: { lower: number; upper: number; level: number };
    probabilityBest: number | null;
    sampleNeeded: number;
  }[];
}

/*
 * Campaign analytics over HTTP on a campaign seeded with known activity
 * (seedCampaignActivity, 40 prospects: its rules give every figure below), an empty campaign,
 * and organisation B knocking on A's ids.
 */
describe('campaign analytics (e2e)', () => {
  let api: ApiHarness;
  let a: OrgFixture;
  let b: OrgFixture;
  let activity: CampaignActivity;

  beforeAll(async () => {
    api = await ApiHarness.start();
    a = await organisationWithData(api, 'analytics@a.example.fr', 'Analytics A');
    b = await organisationWithData(api, 'analytics@b.example.fr', 'Analytics B');
    activity = await seedCampaignActivity(api.seeding, asOrganisationId(a.organisationId), {
      enrollments: 40,
      label: 'e2e',
    });
  });

  afterAll(async () => {
    await api.stop();
  });

  const base = () => `/organisations/${a.organisationId}/campaigns/${activity.campaignId}`;

  it('answers the campaign, its steps, variants and mailboxes with every figure and rate', async () => {
    const response = await api.request<{
      total: Figures;
      source: string;
      computedAt: string;
      pendingChanges: boolean;
      steps: (Figures & { stepOrder: number })[];
      variants: (Figures & { variantKey: string })[];
      mailboxes: (Figures & { mailboxEmail: string })[];
    }>('GET', `${base()}/stats`, { token: a.owner.token });
    expect(response.status).toBe(200);
    expect(response.body.total).toMatchObject({
      enrolled: 41,
      sent: 54,
      delivered: 50,
      bounced: 4,
      hardBounced: 2,
      softBounced: 2,
      uniqueHumanOpens: 12,
      totalOpens: 41,
      humanOpens: 24,
      machineOpens: 17,
      humanReplies: 5,
      autoReplies: 3,
      // Suppressions with a source message of the campaign: 3 one-click, 2 "in words" (one of
      // a prospect whose enrollment did not exit); enrollment 41's has no source message.
      unsubscribes: 5,
    });
    // Counted live (the worker has not rolled it up): as of the request.
    expect(response.body).toMatchObject({ source: 'live', pendingChanges: false });
    expect(Date.parse(response.body.computedAt)).not.toBeNaN();
    expect(response.body.total.rates.open).toEqual({ numerator: 12, denominator: 50, rate: 0.24 });
    expect(response.body.total.rates.reply).toEqual({ numerator: 5, denominator: 50, rate: 0.1 });
    expect(response.body.steps.map((s) => [s.stepOrder, s.sent, s.enrolled])).toEqual([
      [1, 39, null],
      [2, 15, null],
    ]);
    expect(response.body.variants.map((v) => [v.variantKey, v.enrolled, v.delivered])).toEqual([
      ['A', 20, 19],
      ['B', 20, 16],
    ]);
    expect(response.body.mailboxes.map((m) => [m.mailboxEmail, m.sent])).toEqual([
      ['sales1-e2e@activity.example', 39],
      ['sales2-e2e@activity.example', 15],
    ]);
  });

  it('exports the same figures as CSV, one row per scope', async () => {
    const response = await api.request('GET', `${base()}/stats.csv`, { token: a.owner.token });
    expect(response.status).toBe(200);
    const raw = await fetch(`${api.baseUrl}${base()}/stats.csv`, {
      headers: { authorization: `Bearer ${a.owner.token}` },
    });
    expect(raw.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = response.text
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(lines[0]).toMatch(/^scope,step_order,step_id,variant,mailbox,enrolled,sent,delivered,/);
    expect(lines).toHaveLength(1 + 1 + 2 + 2 + 2);
    expect(lines[1]).toBe(
      'campaign,,,,,41,54,50,4,2,2,12,41,24,17,5,3,5,0.9259,0.0741,0.2400,0.1000,0.0600,0.1000',
    );
    expect(lines.filter((l) => l.startsWith('variant,'))).toHaveLength(2);
  });

  it("gives a daily series in the campaign's time zone and refuses bad ranges clearly", async () => {
    const token = a.owner.token;
    const ok = await api.request<{ timezone: string; days: { day: string; sent: number }[] }>(
      'GET',
      `${base()}/stats/daily?from=2025-11-30&to=2025-12-08`,
      { token },
    );
    expect(ok.status).toBe(200);
    expect(ok.body.timezone).toBe('Europe/Paris');
    expect(ok.body.days.map((d) => d.sent)).toEqual([0, 7, 8, 8, 8, 11, 4, 4, 4]);
    const csv = await api.request(
      'GET',
      `${base()}/stats/daily.csv?from=2025-12-01&to=2025-12-02`,
      {
        token,
      },
    );
    expect(
      csv.text
        .replace(/^\uFEFF/, '')
        .split('\r\n')
        .slice(0, 3),
    ).toEqual([
      'day,enrolled,sent,delivered,bounced,unique_human_opens,total_opens,machine_opens,human_replies,auto_replies,unsubscribes',
      '2025-12-01,41,7,3,4,1,3,1,1,0,0',
      '2025-12-02,0,8,8,0,3,10,4,1,1,1',
    ]);
    const outside = await api.request<{ message: string }>(
      'GET',
      `${base()}/stats/daily?from=2024-01-01&to=2024-01-31`,
      { token },
    );
    expect(outside.status).toBe(400);
    expect(outside.body.message).toMatch(/outside the campaign: it runs from 2025-11-30/);
    for (const [query, pattern] of [
      ['from=2025-12-05&to=2025-12-01', /must not be after/],
      ['from=2025-01-01&to=2026-06-01', /at most 366 days/],
      ['from=2025-02-30', /2025-02-30 is not a day/],
      ['from=yesterday', /from must be a date YYYY-MM-DD/],
    ] as const) {
      const bad = await api.request<{ message: unknown }>('GET', `${base()}/stats/daily?${query}`, {
        token,
      });
      expect(bad.status).toBe(400);
      expect(JSON.stringify(bad.body.message)).toMatch(pattern);
    }
  });

  it('answers zeros and null rates for an empty campaign, never a division by zero', async () => {
    const empty = await seedCampaign(api, a.organisationId);
    const response = await api.request<{ total: Figures; variants: unknown[] }>(
      'GET',
      `/organisations/${a.organisationId}/campaigns/${empty.campaignId}/stats`,
      { token: a.owner.token },
    );
    expect(response.status).toBe(200);
    expect(response.body.total).toMatchObject({ enrolled: 0, sent: 0, delivered: 0 });
    for (const rate of Object.values(response.body.total.rates)) {
      expect(rate).toEqual({ numerator: 0, denominator: 0, rate: null });
    }
    const experiments = await api.request<{ experiments: unknown[] }>(
      'GET',
      `/organisations/${a.organisationId}/campaigns/${empty.campaignId}/experiments`,
      { token: a.owner.token },
    );
    expect(experiments.body.experiments).toEqual([]);
  });

  it('assesses each experiment: rates, Beta intervals and P(best) as jstat computes them', async () => {
    const response = await api.request<{ experiments: { assessment: Assessment }[] }>(
      'GET',
      `${base()}/experiments`,
      { token: a.owner.token },
    );
    expect(response.status).toBe(200);
    const assessment = response.body.experiments[0]?.assessment;
    // open_rate: A 7 of 19 delivered, B 5 of 16.
    expect(assessment?.verdict).toBe('not_enough_data');
    const [varA, varB] = assessment?.variants ?? [];
    expect([varA?.conversions, varA?.delivered, varB?.conversions, varB?.delivered]).toEqual([
      7, 19, 5, 16,
    ]);
    expect(varA?.interval.lower).toBeCloseTo(jStat.beta.inv(0.025, 8, 13), 6);
    expect(varA?.interval.upper).toBeCloseTo(jStat.beta.inv(0.975, 8, 13), 6);
    expect(varB?.interval.upper).toBeCloseTo(jStat.beta.inv(0.975, 6, 12), 6);
    // Exact P(p_A > p_B) for Beta(8, 13) vs Beta(6, 12) (Evan Miller's sum, jstat's betaln).
    let exact = 0;
    for (let i = 0; i < 8; i += 1) {
      exact += Math.exp(
        jStat.betaln(6 + i, 12 + 13) -
          Math.log(13 + i) -
          jStat.betaln(1 + i, 13) -
          jStat.betaln(6, 12),
      );
    }
    expect(varA?.probabilityBest).toBeCloseTo(exact, 4);
    expect(assessment?.message).toMatch(/not enough data yet/);
    expect(varB?.sampleNeeded).toBe((assessment?.requiredSamplePerVariant ?? 0) - 16);
  });

  it('says an experiment with one variant and no sends has nothing to compare', async () => {
    const { rows } = await api.admin.query<{ id: string }>(
      `INSERT INTO outreach.step_experiments (organisation_id, step_id, name, status, metric, started_at)
       VALUES ($1, $2, 'Solo', 'running', 'reply_rate', now()) RETURNING id`,
      [a.organisationId, activity.stepIds[1]],
    );
    await api.admin.query(
      `INSERT INTO outreach.step_experiment_variants (organisation_id, experiment_id, key, subject_template, body_template)
       VALUES ($1, $2, 'only', 'Objet', 'Corps')`,
      [a.organisationId, rows[0]?.id],
    );
    const response = await api.request<{
      experiments: { name: string; assessment: Assessment }[];
    }>('GET', `${base()}/experiments`, { token: a.owner.token });
    const solo = response.body.experiments.find((x) => x.name === 'Solo');
    expect(solo?.assessment.verdict).toBe('single_variant');
    expect(solo?.assessment.message).toBe(
      'this experiment has one variant: nothing to compare it with',
    );
    expect(solo?.assessment.variants[0]).toMatchObject({
      delivered: 0,
      rate: null,
      probabilityBest: null,
    });
  });

  it('configures auto-completion, and refuses settings out of range', async () => {
    const path = `${base()}/steps/${activity.stepIds[0]}/experiments/${activity.experimentId}`;
    const ok = await api.request<Record<string, unknown>>('PATCH', path, {
      token: a.owner.token,
      body: { autoComplete: true, confidence: 0.99, minSamplePerVariant: 50 },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      autoComplete: true,
      confidence: 0.99,
      minSamplePerVariant: 50,
    });
    const bad = await api.request<{ message: unknown }>('PATCH', path, {
      token: a.owner.token,
      body: { confidence: 0.5, minimumDetectableEffect: 2 },
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.message)).toMatch(/confidence/);
  });

  it("answers 404 to another organisation's campaign, mailbox and experiment ids", async () => {
    const token = b.owner.token;
    const other = `/organisations/${b.organisationId}/campaigns/${activity.campaignId}`;
    for (const path of [
      `${other}/stats`,
      `${other}/stats.csv`,
      `${other}/stats/daily`,
      `${other}/stats/daily.csv`,
      `${other}/experiments`,
      `/organisations/${b.organisationId}/mailboxes/${activity.mailboxIds[0]}/stats`,
    ]) {
      const response = await api.request('GET', path, { token });
      expect([path, response.status]).toEqual([path, 404]);
    }
    const patch = await api.request(
      'PATCH',
      `${other}/steps/${activity.stepIds[0]}/experiments/${activity.experimentId}`,
      {
        token,
        body: { autoComplete: true },
      },
    );
    expect(patch.status).toBe(404);
    // And A's own credentials on B's organisation path are refused too (not a member).
    const foreign = await api.request('GET', `${other}/stats`, { token: a.owner.token });
    expect(foreign.status).toBe(404);
  });
});
