import { readyCampaign } from '../support/outreach-fixtures.js';
import { fresh, type CrossTenantCases } from './cross-tenant-case.js';

/** Campaigns, their steps and prompts. Each case builds what it acts on (a fresh campaign in the needed state). */
export const CAMPAIGNS_CASES: CrossTenantCases = {
  'GET /organisations/:organisationId/campaigns': () => Promise.resolve({ params: {} }),
  'POST /organisations/:organisationId/campaigns': () =>
    Promise.resolve({ params: {}, body: { name: 'New campaign' } }),
  'GET /organisations/:organisationId/campaigns/:campaignId': async (f, api) => ({
    params: { campaignId: (await readyCampaign(api, f)).campaignId },
  }),
  'PATCH /organisations/:organisationId/campaigns/:campaignId': async (f, api) => ({
    params: { campaignId: (await readyCampaign(api, f)).campaignId },
    body: { name: 'Renamed' },
  }),
  'DELETE /organisations/:organisationId/campaigns/:campaignId': async (f, api) => ({
    params: { campaignId: await fresh(api, f, 'campaigns', { name: 'Doomed' }) },
  }),
  'POST /organisations/:organisationId/campaigns/:campaignId/activate': async (f, api) => ({
    params: { campaignId: (await readyCampaign(api, f)).campaignId },
  }),
  'POST /organisations/:organisationId/campaigns/:campaignId/pause': async (f, api) => ({
    params: { campaignId: (await readyCampaign(api, f, 'active')).campaignId },
  }),
  'POST /organisations/:organisationId/campaigns/:campaignId/resume': async (f, api) => ({
    params: { campaignId: (await readyCampaign(api, f, 'paused')).campaignId },
  }),
  'POST /organisations/:organisationId/campaigns/:campaignId/complete': async (f, api) => ({
    params: { campaignId: (await readyCampaign(api, f, 'active')).campaignId },
  }),
  'POST /organisations/:organisationId/campaigns/:campaignId/archive': async (f, api) => ({
    params: { campaignId: (await readyCampaign(api, f)).campaignId },
  }),
  'GET /organisations/:organisationId/campaigns/:campaignId/steps': async (f, api) => ({
    params: { campaignId: (await readyCampaign(api, f)).campaignId },
  }),
  'POST /organisations/:organisationId/campaigns/:campaignId/steps': async (f, api) => ({
    params: { campaignId: (await readyCampaign(api, f)).campaignId },
    body: { bodyTemplate: 'Relance {{ person.first_name }}', delayDays: 3 },
  }),
  'PUT /organisations/:organisationId/campaigns/:campaignId/steps/order': async (f, api) => {
    const { campaignId, stepId } = await readyCampaign(api, f);
    return { params: { campaignId }, body: { stepIds: [stepId] } };
  },
  'GET /organisations/:organisationId/campaigns/:campaignId/steps/:stepId': async (f, api) => {
    const { campaignId, stepId } = await readyCampaign(api, f);
    return { params: { campaignId, stepId } };
  },
  'PATCH /organisations/:organisationId/campaigns/:campaignId/steps/:stepId': async (f, api) => {
    const { campaignId, stepId } = await readyCampaign(api, f);
    return { params: { campaignId, stepId }, body: { delayDays: 2 } };
  },
  'DELETE /organisations/:organisationId/campaigns/:campaignId/steps/:stepId': async (f, api) => {
    const { campaignId, stepId } = await readyCampaign(api, f);
    return { params: { campaignId, stepId } };
  },
  'POST /organisations/:organisationId/campaigns/:campaignId/steps/:stepId/preview': async (
    f,
    api,
  ) => {
    const { campaignId, stepId } = await readyCampaign(api, f);
    return { params: { campaignId, stepId }, body: { positionId: f.positionId } };
  },
  'GET /organisations/:organisationId/prompts': () => Promise.resolve({ params: {} }),
  'POST /organisations/:organisationId/prompts': () =>
    Promise.resolve({
      params: {},
      body: { name: 'first-touch', purpose: 'email', content: 'Write a short e-mail' },
    }),
  'GET /organisations/:organisationId/prompts/:promptId': async (f, api) => ({
    params: {
      promptId: await fresh(api, f, 'prompts', {
        name: 'follow-up',
        purpose: 'email_body',
        content: 'Write a follow-up',
      }),
    },
  }),
};
