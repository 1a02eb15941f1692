import { ApiHarness } from './support/api-harness.js';
import { organisationWithData, type OrgFixture } from './support/fixtures.js';
import { seed, seedCampaign, seedEnrollment, seedMessage } from './support/outreach-seed.js';

/*
 * Open statistics over the api: what the tracker recorded, as a user reads it. Opens are
 * written here as the tracker's flusher writes them (OpenStatsRepository.record).
 */
describe('open statistics (e2e)', () => {
  let api: ApiHarness;
  let owner: OrgFixture;

  beforeAll(async () => {
    api = await ApiHarness.start();
    owner = await organisationWithData(api, 'stats@a.example.fr', 'Stats');
  });

  afterAll(async () => {
    await api.stop();
  });

  const at = (minutes: number) => new Date(Date.UTC(2025, 11, 28, 10, minutes));

  it('gives unique human, total and machine opens with rates over delivered messages', async () => {
    const org = owner.organisationId;
    const campaign = await seedCampaign(api, org);
    const sent: string[] = [];
    for (let i = 0; i < 4; i += 1) {
      const enrollment = await seedEnrollment(api, org, campaign);
      sent.push(await seedMessage(api, org, enrollment));
    }
    // One of the four bounced: not delivered, its opens do not count in the rates.
    await seed(api, org, (repos, id) =>
      repos.messages.update(id, sent[3] ?? '', { status: 'bounced' }),
    );
    await seed(api, org, (repos, id) =>
      repos.openStats.record(id, [
        {
          messageId: sent[0] ?? '',
          human: 2,
          proxy: 1,
          bot: 0,
          firstOpenAt: at(1),
          lastOpenAt: at(9),
          firstHumanOpenAt: at(5),
          lastHumanOpenAt: at(9),
          lastKind: 'human',
          lastReason: 'mail_client',
          lastUserAgent: 'Thunderbird',
          lastIpClass: 'unknown',
          lastIpNetwork: '192.0.2.0/24',
        },
        {
          messageId: sent[1] ?? '',
          human: 0,
          proxy: 1,
          bot: 1,
          firstOpenAt: at(1),
          lastOpenAt: at(2),
          firstHumanOpenAt: null,
          lastHumanOpenAt: null,
          lastKind: 'bot',
          lastReason: 'security_scanner',
          lastUserAgent: null,
          lastIpClass: 'security_scanner',
          lastIpNetwork: null,
        },
      ]),
    );
    const token = owner.owner.token;
    const base = `/organisations/${org}/campaigns/${campaign.campaignId}`;
    const stats = await api.request<Record<string, unknown>>('GET', `${base}/open-stats`, {
      token,
    });
    expect(stats.status).toBe(200);
    const total = {
      delivered: 3,
      uniqueHumanOpens: 1,
      totalOpens: 5,
      humanOpens: 2,
      machineOpens: 3,
      machineOpenedMessages: 2,
      openRate: 1 / 3,
      machineOpenedRate: 2 / 3,
    };
    expect(stats.body).toEqual({
      campaignId: campaign.campaignId,
      total,
      steps: [{ stepId: campaign.stepId, stepOrder: 1, ...total }],
      variants: [],
    });

    const message = await api.request<Record<string, unknown>>(
      'GET',
      `${base}/messages/${sent[1] ?? ''}/open-stats`,
      { token },
    );
    expect(message.body).toMatchObject({
      opened: false,
      totalOpens: 2,
      humanOpens: 0,
      machineOpens: 2,
      lastOpenKind: 'bot',
      lastOpenReason: 'security_scanner',
    });
    const unopened = await api.request<Record<string, unknown>>(
      'GET',
      `${base}/messages/${sent[2] ?? ''}/open-stats`,
      { token },
    );
    expect(unopened.body).toMatchObject({ opened: false, totalOpens: 0, firstOpenAt: null });
  });

  it('answers 404 for a campaign or message that is not there, 400 for a malformed id', async () => {
    const org = owner.organisationId;
    const token = owner.owner.token;
    const campaign = await seedCampaign(api, org);
    const other = await seedCampaign(api, org);
    const messageId = await seedMessage(api, org, await seedEnrollment(api, org, other));
    const missing = '00000000-0000-4000-8000-000000000000';
    const answers = await Promise.all(
      [
        `/organisations/${org}/campaigns/${missing}/open-stats`,
        `/organisations/${org}/campaigns/${campaign.campaignId}/messages/${messageId}/open-stats`,
        `/organisations/${org}/campaigns/not-a-uuid/open-stats`,
      ].map((path) => api.request('GET', path, { token })),
    );
    expect(answers.map((answer) => answer.status)).toEqual([404, 404, 400]);
  });

  it('switches open tracking off for the organisation (trackOpens), refusing a non-boolean', async () => {
    const path = `/organisations/${owner.organisationId}`;
    const token = owner.owner.token;
    expect(
      (await api.request<{ trackOpens: boolean }>('GET', path, { token })).body.trackOpens,
    ).toBe(true);
    const off = await api.request<{ trackOpens: boolean }>('PATCH', path, {
      token,
      body: { trackOpens: false },
    });
    expect([off.status, off.body.trackOpens]).toEqual([200, false]);
    const bad = await api.request<{ message: unknown }>('PATCH', path, {
      token,
      body: { trackOpens: 'yes' },
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.message)).toContain('trackOpens');
    expect(
      (await api.request<{ trackOpens: boolean }>('GET', path, { token })).body.trackOpens,
    ).toBe(false);
  });
});
