import type { ApiHarness } from '../support/api-harness.js';
import type { OrgFixture } from '../support/fixtures.js';

export interface Call {
  /** Path parameters besides organisationId. */
  params: Record<string, string>;
  body?: unknown;
}

/** Names the resources a call on `fixture` acts on; `fresh` builds throw-away ones (deletes). */
export type CaseBuilder = (fixture: OrgFixture, api: ApiHarness) => Promise<Call>;

export async function freshMember(api: ApiHarness, fixture: OrgFixture): Promise<string> {
  const email = `member-${Math.random().toString(36).slice(2)}@example.fr`;
  const response = await api.request<{ userId: string }>(
    'POST',
    `/organisations/${fixture.organisationId}/members`,
    { token: fixture.owner.token, body: { email, role: 'member' } },
  );
  return response.body.userId;
}

export async function fresh(
  api: ApiHarness,
  fixture: OrgFixture,
  path: string,
  body: unknown,
): Promise<string> {
  const response = await api.request<{ id: string }>(
    'POST',
    `/organisations/${fixture.organisationId}/${path}`,
    { token: fixture.owner.token, body },
  );
  return response.body.id;
}

/** Cases keyed by `METHOD path`; each area of the api has its file (crm.cases.ts, …). */
export type CrossTenantCases = Record<string, CaseBuilder>;
