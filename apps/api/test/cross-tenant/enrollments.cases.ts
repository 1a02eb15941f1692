import type { ApiHarness } from '../support/api-harness.js';
import type { OrgFixture } from '../support/fixtures.js';
import {
  seedCampaign,
  seedEnrollment,
  seedMessage,
  type SeededCampaign,
} from '../support/outreach-seed.js';
import type { CrossTenantCases } from './cross-tenant-case.js';

const campaigns = new Map<string, Promise<SeededCampaign>>();

/** One campaign with a step per organisation, shared by the cases. */
function campaignOf(api: ApiHarness, f: OrgFixture): Promise<SeededCampaign> {
  let campaign = campaigns.get(f.organisationId);
  if (!campaign) {
    campaign = seedCampaign(api, f.organisationId);
    campaigns.set(f.organisationId, campaign);
  }
  return campaign;
}

async function freshEnrollment(
  api: ApiHarness,
  f: OrgFixture,
  status: 'active' | 'paused',
): Promise<Record<string, string>> {
  const campaign = await campaignOf(api, f);
  const { enrollmentId } = await seedEnrollment(api, f.organisationId, campaign, status);
  return { campaignId: campaign.campaignId, enrollmentId };
}

const PATH = 'POST /organisations/:organisationId/campaigns/:campaignId/enrollments';

/** Enrollments, tasks and messages of a campaign. */
export const ENROLLMENTS_CASES: CrossTenantCases = {
  [PATH]: async (f, api) => ({
    params: { campaignId: (await campaignOf(api, f)).campaignId },
    body: { positionIds: [f.positionId] },
  }),
  'GET /organisations/:organisationId/campaigns/:campaignId/enrollments': async (f, api) => ({
    params: { campaignId: (await campaignOf(api, f)).campaignId },
  }),
  [`${PATH}/:enrollmentId/pause`]: async (f, api) => ({
    params: await freshEnrollment(api, f, 'active'),
  }),
  [`${PATH}/:enrollmentId/resume`]: async (f, api) => ({
    params: await freshEnrollment(api, f, 'paused'),
  }),
  [`${PATH}/:enrollmentId/exit`]: async (f, api) => ({
    params: await freshEnrollment(api, f, 'active'),
  }),
  'GET /organisations/:organisationId/campaigns/:campaignId/tasks': async (f, api) => ({
    params: { campaignId: (await campaignOf(api, f)).campaignId },
  }),
  'GET /organisations/:organisationId/campaigns/:campaignId/messages': async (f, api) => ({
    params: { campaignId: (await campaignOf(api, f)).campaignId },
  }),
  'GET /organisations/:organisationId/campaigns/:campaignId/messages/:messageId': async (
    f,
    api,
  ) => {
    const campaign = await campaignOf(api, f);
    const enrollment = await seedEnrollment(api, f.organisationId, campaign);
    return {
      params: {
        campaignId: campaign.campaignId,
        messageId: await seedMessage(api, f.organisationId, enrollment),
      },
    };
  },
  'GET /organisations/:organisationId/campaigns/:campaignId/open-stats': async (f, api) => ({
    params: { campaignId: (await campaignOf(api, f)).campaignId },
  }),
  'GET /organisations/:organisationId/campaigns/:campaignId/messages/:messageId/open-stats': async (
    f,
    api,
  ) => {
    const campaign = await campaignOf(api, f);
    const enrollment = await seedEnrollment(api, f.organisationId, campaign);
    return {
      params: {
        campaignId: campaign.campaignId,
        messageId: await seedMessage(api, f.organisationId, enrollment),
      },
    };
  },
};
