import type { ApiHarness } from '../support/api-harness.js';
import type { OrgFixture } from '../support/fixtures.js';
import { seedCampaign } from '../support/outreach-seed.js';
import { fresh, type CrossTenantCases } from './cross-tenant-case.js';
import { mailboxBody } from './delivery.cases.js';

const campaign = async (api: ApiHarness, f: OrgFixture): Promise<{ campaignId: string }> => ({
  campaignId: (await seedCampaign(api, f.organisationId)).campaignId,
});

const CAMPAIGN = 'GET /organisations/:organisationId/campaigns/:campaignId';

/** Campaign and mailbox analytics, and the campaign's A/B assessments (read-only). */
export const ANALYTICS_CASES: CrossTenantCases = {
  [`${CAMPAIGN}/stats`]: async (f, api) => ({ params: await campaign(api, f) }),
  [`${CAMPAIGN}/stats.csv`]: async (f, api) => ({ params: await campaign(api, f) }),
  [`${CAMPAIGN}/stats/daily`]: async (f, api) => ({ params: await campaign(api, f) }),
  [`${CAMPAIGN}/stats/daily.csv`]: async (f, api) => ({ params: await campaign(api, f) }),
  [`${CAMPAIGN}/experiments`]: async (f, api) => ({ params: await campaign(api, f) }),
  'GET /organisations/:organisationId/mailboxes/:mailboxId/stats': async (f, api) => ({
    params: { mailboxId: await fresh(api, f, 'mailboxes', mailboxBody()) },
  }),
};
