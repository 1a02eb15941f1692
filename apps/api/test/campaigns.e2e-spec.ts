import { ApiHarness } from './support/api-harness.js';
import { memberWithRole, organisationWithData, type OrgFixture } from './support/fixtures.js';
import { readyCampaign, seedMailbox } from './support/outreach-fixtures.js';

interface Campaign {
  id: string;
  status: string;
  sendingWindowStart: string;
  publicHolidays: string | null;
  allowedActions: string[];
  startedAt: string | null;
}
interface Step {
  id: string;
  stepOrder: number;
}
interface ErrorBody {
  message: string;
  problems?: { field: string; step?: number; line?: number; column?: number }[];
  allowedActions?: string[];
}

describe('campaigns, steps and prompts (e2e)', () => {
  let api: ApiHarness;
  let org: OrgFixture;
  let viewer: { token: string };
  let member: { token: string };
  let base: string;

  beforeAll(async () => {
    api = await ApiHarness.start();
    org = await organisationWithData(api, 'owner@campaigns.example.fr', 'Campaigns');
    viewer = await memberWithRole(api, org, 'viewer@campaigns.example.fr', 'viewer');
    member = await memberWithRole(api, org, 'member@campaigns.example.fr', 'member');
    base = `/organisations/${org.organisationId}`;
  });

  afterAll(async () => {
    await api.stop();
  });

  const as = (token: string) => ({
    request: <T>(method: string, path: string, body?: unknown) =>
      api.request<T>(method, `${base}${path}`, { token, body }),
  });

  it('creates, reads, lists and patches a campaign with its defaults', async () => {
    const owner = as(org.owner.token);
    const created = await owner.request<Campaign>('POST', '/campaigns', {
      name: 'Relance',
      sendingWindowStart: '08:30',
      sendingDays: [1, 3, 5],
      timezone: 'Europe/Paris',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: 'draft',
      sendingWindowStart: '08:30',
      allowedActions: ['activate', 'archive'],
    });
    const patched = await owner.request<Campaign>('PATCH', `/campaigns/${created.body.id}`, {
      dailyLimit: 20,
    });
    expect(patched.body).toMatchObject({ dailyLimit: 20 });
    const list = await owner.request<{ items: Campaign[]; nextCursor: null }>(
      'GET',
      '/campaigns?status=draft&limit=1',
    );
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(1);
  });

  it('refuses bad campaign input with what to fix, writing nothing', async () => {
    const before = await api.count('outreach.campaigns', org.organisationId);
    const owner = as(org.owner.token);
    for (const [body, field] of [
      [{ name: 'x', timezone: 'Mars/Olympus' }, 'timezone'],
      [{ name: 'x', sendingWindowStart: '25:00' }, 'sendingWindowStart'],
      [{ name: 'x', sendingDays: [1, 1] }, 'sendingDays'],
      [{ name: 'x', sendingDays: [8] }, 'sendingDays'],
      [{ name: 'x', dailyLimit: 0 }, 'dailyLimit'],
      [{ name: '' }, 'name'],
    ] as const) {
      const response = await owner.request<ErrorBody>('POST', '/campaigns', body);
      expect({ field, status: response.status }).toEqual({ field, status: 400 });
      expect(response.body.message).toContain(field);
    }
    const window = await owner.request<ErrorBody>('POST', '/campaigns', {
      name: 'x',
      sendingWindowStart: '18:00',
      sendingWindowEnd: '09:00',
    });
    expect(window.status).toBe(400);
    expect(window.body.message).toMatch(/sendingWindowStart \(18:00\) must be before/);
    const mailbox = await owner.request<ErrorBody>('POST', '/campaigns', {
      name: 'x',
      mailboxId: '00000000-0000-4000-8000-000000000000',
    });
    expect(mailbox.status).toBe(422);
    expect(await api.count('outreach.campaigns', org.organisationId)).toBe(before);
    const missing = await owner.request('GET', '/campaigns/00000000-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
  });

  it('stores the public-holiday calendar to skip: a date-holidays code or null', async () => {
    const owner = as(org.owner.token);
    const plain = await owner.request<Campaign>('POST', '/campaigns', { name: 'Sans fériés' });
    expect(plain.body.publicHolidays).toBeNull();
    const created = await owner.request<Campaign>('POST', '/campaigns', {
      name: 'Metz',
      publicHolidays: 'FR-57',
    });
    expect(created.status).toBe(201);
    expect(created.body.publicHolidays).toBe('FR-57');
    const path = `/campaigns/${created.body.id}`;
    expect((await owner.request<Campaign>('GET', path)).body.publicHolidays).toBe('FR-57');
    const france = await owner.request<Campaign>('PATCH', path, { publicHolidays: 'FR' });
    expect(france.body.publicHolidays).toBe('FR');
    const untouched = await owner.request<Campaign>('PATCH', path, { dailyLimit: 10 });
    expect(untouched.body.publicHolidays).toBe('FR');
    const cleared = await owner.request<Campaign>('PATCH', path, { publicHolidays: null });
    expect(cleared.status).toBe(200);
    expect(cleared.body.publicHolidays).toBeNull();
    expect((await owner.request<Campaign>('GET', path)).body.publicHolidays).toBeNull();
  });

  it('refuses a holiday code date-holidays does not know, saying which codes are valid', async () => {
    const owner = as(org.owner.token);
    const before = await api.count('outreach.campaigns', org.organisationId);
    for (const [publicHolidays, message] of [
      [
        'XX',
        /publicHolidays: no public holidays are known for country XX \(known codes are a country such as FR or a country and subdivision such as FR-57\)/,
      ],
      ['fr', /publicHolidays must be a country code, optionally with a subdivision, in upper case/],
      [
        'FR-99',
        /publicHolidays: FR-99 is not a subdivision of FR \(known: FR, FR-57, FR-67, FR-68/,
      ],
      [57, /publicHolidays must be a public-holiday code such as FR or FR-57, or null/],
    ] as const) {
      const response = await owner.request<ErrorBody>('POST', '/campaigns', {
        name: 'x',
        publicHolidays,
      });
      expect({ publicHolidays, status: response.status }).toEqual({ publicHolidays, status: 400 });
      expect(response.body.message).toMatch(message);
    }
    expect(await api.count('outreach.campaigns', org.organisationId)).toBe(before);
    const created = await owner.request<Campaign>('POST', '/campaigns', {
      name: 'Lyon',
      publicHolidays: 'FR',
    });
    const path = `/campaigns/${created.body.id}`;
    const patched = await owner.request<ErrorBody>('PATCH', path, { publicHolidays: 'XX' });
    expect(patched.status).toBe(400);
    expect((await owner.request<Campaign>('GET', path)).body.publicHolidays).toBe('FR');
  });

  it('documents publicHolidays in OpenAPI', async () => {
    const docs = await api.request<{
      components: {
        schemas: Record<string, { properties?: Record<string, Record<string, unknown>> }>;
      };
    }>('GET', '/docs-json');
    expect(docs.status).toBe(200);
    for (const schema of ['CreateCampaignDto', 'UpdateCampaignDto']) {
      expect({
        schema,
        field: docs.body.components.schemas[schema]?.properties?.publicHolidays,
      }).toEqual({
        schema,
        field: expect.objectContaining({
          type: 'string',
          nullable: true,
          example: 'FR',
          description: expect.stringMatching(/date-holidays code.*FR-57/) as unknown,
        }) as unknown,
      });
    }
  });

  it('refuses activation listing every problem, then activates, pauses, resumes, completes, archives', async () => {
    const owner = as(org.owner.token);
    const created = await owner.request<Campaign>('POST', '/campaigns', { name: 'Lifecycle' });
    const path = `/campaigns/${created.body.id}`;
    const empty = await owner.request<ErrorBody>('POST', `${path}/activate`);
    expect(empty.status).toBe(422);
    expect(empty.body.problems?.map((p) => p.field)).toEqual(['mailboxId', 'steps']);

    const paused = await seedMailbox(api, org, 'paused');
    await owner.request('PATCH', path, { mailboxId: paused });
    await owner.request('POST', `${path}/steps`, {
      bodyTemplate: 'Bonjour {{ person.first_name }}',
    });
    const notReady = await owner.request<ErrorBody>('POST', `${path}/activate`);
    expect(notReady.status).toBe(422);
    expect(notReady.body.problems).toEqual([
      expect.objectContaining({
        field: 'mailboxId',
        message: expect.stringMatching(/is paused/) as unknown,
      }),
      expect.objectContaining({ field: 'steps[1].subjectTemplate', step: 1 }),
    ]);
    expect((await owner.request<Campaign>('GET', path)).body.status).toBe('draft');

    const active = await seedMailbox(api, org, 'active');
    await owner.request('PATCH', path, { mailboxId: active });
    const steps = await owner.request<{ items: Step[] }>('GET', `${path}/steps`);
    await owner.request('PATCH', `${path}/steps/${steps.body.items[0]?.id}`, {
      subjectTemplate: 'Pour {{ company.name }}',
    });
    const activated = await owner.request<Campaign>('POST', `${path}/activate`);
    expect(activated.status).toBe(200);
    expect(activated.body).toMatchObject({
      status: 'active',
      allowedActions: ['pause', 'complete'],
    });
    expect(activated.body.startedAt).not.toBeNull();

    const again = await owner.request<ErrorBody>('POST', `${path}/activate`);
    expect(again.status).toBe(409);
    expect(again.body.message).toBe(
      'cannot activate a campaign that is active: allowed actions: pause, complete',
    );
    expect(again.body.allowedActions).toEqual(['pause', 'complete']);
    const locked = await owner.request<ErrorBody>('POST', `${path}/steps`, { bodyTemplate: 'x' });
    expect(locked.status).toBe(409);
    expect((await owner.request<ErrorBody>('DELETE', path)).status).toBe(409);

    for (const [action, status] of [
      ['pause', 'paused'],
      ['resume', 'active'],
      ['complete', 'completed'],
      ['archive', 'archived'],
    ]) {
      const response = await owner.request<Campaign>('POST', `${path}/${action}`);
      expect({ action, status: response.body.status }).toEqual({ action, status });
    }
    const archived = await owner.request<ErrorBody>('POST', `${path}/resume`);
    expect(archived.status).toBe(409);
    expect(archived.body.message).toMatch(/an archived campaign allows no action/);
    expect((await owner.request('DELETE', path)).status).toBe(204);
  });

  it('validates templates on write: syntax errors with line and column, unknown variables listed', async () => {
    const owner = as(org.owner.token);
    const { campaignId } = await readyCampaign(api, org);
    const path = `/campaigns/${campaignId}/steps`;
    const before = await api.count('outreach.workflow_steps', org.organisationId);
    const syntax = await owner.request<ErrorBody>('POST', path, {
      subjectTemplate: 'Hi',
      bodyTemplate: 'Bonjour,\n\n{{ person.first_name ',
    });
    expect(syntax.status).toBe(400);
    expect(syntax.body.problems?.[0]).toMatchObject({ field: 'bodyTemplate', line: 3, column: 1 });
    expect(syntax.body.message).toMatch(/bodyTemplate: Liquid syntax error at line 3, column 1/);
    const unknown = await owner.request<ErrorBody>('POST', path, {
      subjectTemplate: '{{ person.age }}',
      bodyTemplate: '{{ prospect.name }} {{ person.first_name }}',
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toMatch(/subjectTemplate: unknown variables person.age/);
    expect(unknown.body.message).toMatch(/bodyTemplate: unknown variables prospect.name/);
    const both = await owner.request<ErrorBody>('POST', path, {
      bodyTemplate: 'x',
      promptId: '00000000-0000-4000-8000-000000000000',
    });
    expect(both.status).toBe(400);
    const neither = await owner.request<ErrorBody>('POST', path, { delayDays: 2 });
    expect(neither.status).toBe(400);
    const delay = await owner.request<ErrorBody>('POST', path, {
      bodyTemplate: 'x',
      delayDays: 366,
    });
    expect(delay.status).toBe(400);
    expect(await api.count('outreach.workflow_steps', org.organisationId)).toBe(before);
  });

  it('numbers steps without gaps: append, delete renumbers, reorder permutes', async () => {
    const owner = as(org.owner.token);
    const { campaignId, stepId: first } = await readyCampaign(api, org);
    const path = `/campaigns/${campaignId}/steps`;
    const second = await owner.request<Step>('POST', path, {
      bodyTemplate: 'Relance 1',
      delayDays: 3,
    });
    const third = await owner.request<Step>('POST', path, {
      bodyTemplate: 'Relance 2',
      delayDays: 5,
    });
    expect([second.body.stepOrder, third.body.stepOrder]).toEqual([2, 3]);

    const reordered = await owner.request<{ items: Step[] }>('PUT', `${path}/order`, {
      stepIds: [third.body.id, first, second.body.id],
    });
    expect(reordered.status).toBe(200);
    expect(reordered.body.items.map((s) => [s.id, s.stepOrder])).toEqual([
      [third.body.id, 1],
      [first, 2],
      [second.body.id, 3],
    ]);
    for (const stepIds of [
      [third.body.id, first],
      [third.body.id, first, first],
      [third.body.id, first, second.body.id, '00000000-0000-4000-8000-000000000000'],
    ]) {
      const bad = await owner.request<ErrorBody>('PUT', `${path}/order`, { stepIds });
      expect(bad.status).toBe(422);
      expect(bad.body.message).toMatch(/stepIds must list every step of the campaign exactly once/);
    }
    expect((await owner.request('DELETE', `${path}/${third.body.id}`)).status).toBe(204);
    const after = await owner.request<{ items: Step[] }>('GET', `${path}?limit=1`);
    expect(after.body.items.map((s) => [s.id, s.stepOrder])).toEqual([[first, 1]]);
    const page2 = await owner.request<{ items: Step[] }>(
      'GET',
      `${path}?limit=1&cursor=${encodeURIComponent((after.body as unknown as { nextCursor: string }).nextCursor)}`,
    );
    expect(page2.body.items.map((s) => [s.id, s.stepOrder])).toEqual([[second.body.id, 2]]);
  });

  it('previews a step for a position with the real data and lists missing values', async () => {
    const owner = as(org.owner.token);
    const { campaignId } = await readyCampaign(api, org);
    const path = `/campaigns/${campaignId}/steps`;
    const step = await owner.request<Step>('POST', path, {
      subjectTemplate: '{{ person.last_name }} chez {{ company.name }}',
      bodyTemplate: 'Bonjour {{ person.first_name }} ({{ company.city }}), {{ sender.name }}',
    });
    const preview = await as(viewer.token).request<{
      subject: string;
      body: string;
      missing: string[];
    }>('POST', `${path}/${step.body.id}/preview`, { positionId: org.positionId });
    expect(preview.status).toBe(200);
    expect(preview.body).toEqual({
      subject: 'Campaigns chez Campaigns company',
      body: 'Bonjour Camille (), Alice Martin',
      missing: ['company.city'],
    });
    const unknown = await owner.request('POST', `${path}/${step.body.id}/preview`, {
      positionId: '00000000-0000-4000-8000-000000000000',
    });
    expect(unknown.status).toBe(404);
    const variant = await owner.request('POST', `${path}/${step.body.id}/preview`, {
      positionId: org.positionId,
      variantKey: 'B',
    });
    expect(variant.status).toBe(404);
  });

  it('versions prompts (insert-only) and lets a step use one', async () => {
    const owner = as(member.token);
    const first = await owner.request<{ id: string; version: number }>('POST', '/prompts', {
      name: 'first-touch',
      purpose: 'email',
      content: 'Write a short e-mail',
    });
    const [second, third] = await Promise.all([
      owner.request<{ version: number }>('POST', '/prompts', {
        name: 'first-touch',
        purpose: 'email',
        content: 'v2',
      }),
      owner.request<{ version: number }>('POST', '/prompts', {
        name: 'first-touch',
        purpose: 'email',
        content: 'v3',
      }),
    ]);
    expect([first.body.version, second.body.version, third.body.version].sort()).toEqual([1, 2, 3]);
    const list = await owner.request<{ items: { version: number }[] }>(
      'GET',
      '/prompts?name=first-touch',
    );
    expect(list.body.items.map((p) => p.version).sort()).toEqual([1, 2, 3]);
    expect((await owner.request('GET', `/prompts/${first.body.id}`)).status).toBe(200);
    const bad = await owner.request<ErrorBody>('POST', '/prompts', {
      name: 'x',
      purpose: 'poetry',
      content: 'x',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('purpose');

    const { campaignId } = await readyCampaign(api, org);
    const step = await owner.request<{ promptId: string }>(
      'POST',
      `/campaigns/${campaignId}/steps`,
      {
        promptId: first.body.id,
      },
    );
    expect(step.status).toBe(201);
    const missing = await owner.request('POST', `/campaigns/${campaignId}/steps`, {
      promptId: '00000000-0000-4000-8000-000000000000',
    });
    expect(missing.status).toBe(422);
  });

  it('lets a viewer read campaigns, steps and prompts and write nothing; a member writes', async () => {
    const { campaignId, stepId } = await readyCampaign(api, org);
    const reader = as(viewer.token);
    for (const path of [
      '/campaigns',
      `/campaigns/${campaignId}`,
      `/campaigns/${campaignId}/steps`,
      `/campaigns/${campaignId}/steps/${stepId}`,
      '/prompts',
    ]) {
      expect({ path, status: (await reader.request('GET', path)).status }).toEqual({
        path,
        status: 200,
      });
    }
    const before = await api.count('outreach.campaigns', org.organisationId);
    for (const [method, path, body] of [
      ['POST', '/campaigns', { name: 'Nope' }],
      ['PATCH', `/campaigns/${campaignId}`, { name: 'Nope' }],
      ['DELETE', `/campaigns/${campaignId}`, undefined],
      ['POST', `/campaigns/${campaignId}/activate`, undefined],
      ['POST', `/campaigns/${campaignId}/steps`, { bodyTemplate: 'x' }],
      ['PATCH', `/campaigns/${campaignId}/steps/${stepId}`, { delayDays: 1 }],
      ['DELETE', `/campaigns/${campaignId}/steps/${stepId}`, undefined],
      ['PUT', `/campaigns/${campaignId}/steps/order`, { stepIds: [stepId] }],
      ['POST', '/prompts', { name: 'x', purpose: 'email', content: 'x' }],
    ] as const) {
      const response = await reader.request<ErrorBody>(method, path, body);
      expect({ call: `${method} ${path}`, status: response.status }).toEqual({
        call: `${method} ${path}`,
        status: 403,
      });
    }
    expect(await api.count('outreach.campaigns', org.organisationId)).toBe(before);
    const writer = as(member.token);
    expect((await writer.request('POST', `/campaigns/${campaignId}/activate`)).status).toBe(200);
  });
});
