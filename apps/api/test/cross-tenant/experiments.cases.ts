import type { ApiHarness } from '../support/api-harness.js';
import type { OrgFixture } from '../support/fixtures.js';
import { readyCampaign } from '../support/outreach-fixtures.js';
import type { CrossTenantCases } from './cross-tenant-case.js';

const VARIANTS = [
  {
    key: 'A',
    weight: 1,
    subjectTemplate: 'Sujet A',
    bodyTemplate: 'Bonjour {{ person.first_name }}',
  },
  {
    key: 'B',
    weight: 1,
    subjectTemplate: 'Sujet B',
    bodyTemplate: 'Hello {{ person.first_name }}',
  },
];

interface Built {
  campaignId: string;
  stepId: string;
  experimentId: string;
  variantIds: string[];
}

/** A fresh campaign with a step and an experiment on it (a draft, or started). */
async function freshExperiment(
  api: ApiHarness,
  fixture: OrgFixture,
  state: 'draft' | 'running' = 'draft',
): Promise<Built> {
  const { campaignId, stepId } = await readyCampaign(api, fixture);
  const path = `/organisations/${fixture.organisationId}/campaigns/${campaignId}/steps/${stepId}/experiments`;
  const token = fixture.owner.token;
  const created = await api.request<{ id: string; variants: { id: string }[] }>('POST', path, {
    token,
    body: { name: 'Cross-tenant test', variants: VARIANTS },
  });
  if (created.status !== 201) throw new Error(`create experiment: ${created.text}`);
  if (state === 'running') {
    const started = await api.request('POST', `${path}/${created.body.id}/start`, { token });
    if (started.status !== 200) throw new Error(`start experiment: ${started.text}`);
  }
  return {
    campaignId,
    stepId,
    experimentId: created.body.id,
    variantIds: created.body.variants.map((variant) => variant.id),
  };
}

const PREFIX =
  'POST /organisations/:organisationId/campaigns/:campaignId/steps/:stepId/experiments';

/** A/B experiments on steps. Each case builds its own campaign, step and experiment. */
export const EXPERIMENTS_CASES: CrossTenantCases = {
  'GET /organisations/:organisationId/campaigns/:campaignId/steps/:stepId/experiments': async (
    f,
    api,
  ) => {
    const { campaignId, stepId } = await readyCampaign(api, f);
    return { params: { campaignId, stepId } };
  },
  [PREFIX]: async (f, api) => {
    const { campaignId, stepId } = await readyCampaign(api, f);
    return { params: { campaignId, stepId }, body: { name: 'New test', variants: VARIANTS } };
  },
  'GET /organisations/:organisationId/campaigns/:campaignId/steps/:stepId/experiments/:experimentId':
    async (f, api) => {
      const { campaignId, stepId, experimentId } = await freshExperiment(api, f);
      return { params: { campaignId, stepId, experimentId } };
    },
  'PATCH /organisations/:organisationId/campaigns/:campaignId/steps/:stepId/experiments/:experimentId':
    async (f, api) => {
      const { campaignId, stepId, experimentId } = await freshExperiment(api, f);
      return { params: { campaignId, stepId, experimentId }, body: { autoComplete: true } };
    },
  [`${PREFIX}/:experimentId/start`]: async (f, api) => {
    const { campaignId, stepId, experimentId } = await freshExperiment(api, f);
    return { params: { campaignId, stepId, experimentId } };
  },
  [`${PREFIX}/:experimentId/stop`]: async (f, api) => {
    const { campaignId, stepId, experimentId } = await freshExperiment(api, f, 'running');
    return { params: { campaignId, stepId, experimentId } };
  },
  [`${PREFIX}/:experimentId/winner`]: async (f, api) => {
    const { campaignId, stepId, experimentId, variantIds } = await freshExperiment(
      api,
      f,
      'running',
    );
    return { params: { campaignId, stepId, experimentId }, body: { variantId: variantIds[0] } };
  },
};
