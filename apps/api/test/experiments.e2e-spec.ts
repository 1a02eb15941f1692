import { ApiHarness } from './support/api-harness.js';
import { memberWithRole, organisationWithData, type OrgFixture } from './support/fixtures.js';
import { readyCampaign } from './support/outreach-fixtures.js';

interface Variant {
  id: string;
  key: string;
  weight: number;
  subjectTemplate: string | null;
  bodyTemplate: string | null;
  promptId: string | null;
}
interface Experiment {
  id: string;
  stepId: string;
  name: string;
  status: string;
  metric: string;
  winnerVariantId: string | null;
  startedAt: string | null;
  endedAt: string | null;
  variants: Variant[];
  allowedActions: string[];
}
interface ErrorBody {
  message: string;
  status?: string;
  allowedActions?: string[];
  experimentId?: string;
  problems?: {
    field: string;
    variant?: string;
    step?: number;
    line?: number;
    column?: number;
    unknownVariables?: string[];
  }[];
}

const TWO_VARIANTS = [
  {
    key: 'A',
    weight: 50,
    subjectTemplate: 'Idée pour {{ company.name }}',
    bodyTemplate: 'Bonjour {{ person.first_name }}',
  },
  {
    key: 'B',
    weight: 50,
    subjectTemplate: 'Question rapide',
    bodyTemplate: 'Hello {{ person.first_name }}',
  },
];

describe('A/B experiments on steps (e2e)', () => {
  let api: ApiHarness;
  let org: OrgFixture;
  let viewer: { token: string };
  let member: { token: string };
  let base: string;

  beforeAll(async () => {
    api = await ApiHarness.start();
    org = await organisationWithData(api, 'owner@experiments.example.fr', 'Experiments');
    viewer = await memberWithRole(api, org, 'viewer@experiments.example.fr', 'viewer');
    member = await memberWithRole(api, org, 'member@experiments.example.fr', 'member');
    base = `/organisations/${org.organisationId}`;
  });

  afterAll(async () => {
    await api.stop();
  });

  const as = (token: string) => ({
    request: <T>(method: string, path: string, body?: unknown) =>
      api.request<T>(method, `${base}${path}`, { token, body }),
  });

  async function counts(): Promise<[number, number]> {
    return [
      await api.count('outreach.step_experiments', org.organisationId),
      await api.count('outreach.step_experiment_variants', org.organisationId),
    ];
  }

  it('creates a draft with its variants, lists and reads it, starts it and declares a winner', async () => {
    const { campaignId, stepId } = await readyCampaign(api, org);
    const path = `/campaigns/${campaignId}/steps/${stepId}/experiments`;
    const owner = as(org.owner.token);
    const created = await owner.request<Experiment>('POST', path, {
      name: 'Subject test',
      metric: 'open_rate',
      variants: [...TWO_VARIANTS].reverse(),
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      stepId,
      name: 'Subject test',
      status: 'draft',
      metric: 'open_rate',
      winnerVariantId: null,
      startedAt: null,
      allowedActions: ['start', 'stop'],
    });
    expect(created.body.variants.map((v) => [v.key, v.weight])).toEqual([
      ['A', 50],
      ['B', 50],
    ]);
    const list = await owner.request<{ items: Experiment[]; nextCursor: string | null }>(
      'GET',
      `${path}?limit=1`,
    );
    expect(list.status).toBe(200);
    expect(list.body.items.map((e) => e.id)).toEqual([created.body.id]);
    expect(list.body.items[0]?.variants).toHaveLength(2);
    expect(list.body.nextCursor).toBeNull();
    const read = await owner.request<Experiment>('GET', `${path}/${created.body.id}`);
    expect(read.body).toEqual(created.body);

    const started = await owner.request<Experiment>('POST', `${path}/${created.body.id}/start`);
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({ status: 'running', allowedActions: ['stop', 'winner'] });
    expect(started.body.startedAt).not.toBeNull();
    const again = await owner.request<ErrorBody>('POST', `${path}/${created.body.id}/start`);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ status: 'running', allowedActions: ['stop', 'winner'] });
    expect(again.body.message).toContain('running');

    const winnerId = created.body.variants[1]?.id;
    const won = await owner.request<Experiment>('POST', `${path}/${created.body.id}/winner`, {
      variantId: winnerId,
    });
    expect(won.status).toBe(200);
    expect(won.body).toMatchObject({
      status: 'completed',
      winnerVariantId: winnerId,
      allowedActions: [],
    });
    expect(won.body.endedAt).not.toBeNull();
    const stopped = await owner.request<ErrorBody>('POST', `${path}/${created.body.id}/stop`);
    expect(stopped.status).toBe(409);
    expect(stopped.body.message).toMatch(/completed/);

    // A completed experiment no longer blocks the step: a new one can be created, then stopped.
    const next = await owner.request<Experiment>('POST', path, {
      name: 'Second test',
      variants: TWO_VARIANTS,
    });
    expect(next.status).toBe(201);
    expect(next.body.metric).toBe('reply_rate');
    const cancelled = await owner.request<Experiment>('POST', `${path}/${next.body.id}/stop`);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', startedAt: null });
    const both = await owner.request<{ items: Experiment[] }>('GET', path);
    expect(both.body.items.map((e) => e.status)).toEqual(['completed', 'cancelled']);
  });

  it('pages the experiments of a step with a cursor', async () => {
    const { campaignId, stepId } = await readyCampaign(api, org);
    const path = `/campaigns/${campaignId}/steps/${stepId}/experiments`;
    const owner = as(org.owner.token);
    const ids: string[] = [];
    for (const name of ['one', 'two', 'three']) {
      const created = await owner.request<Experiment>('POST', path, {
        name,
        variants: TWO_VARIANTS,
      });
      ids.push(created.body.id);
      await owner.request('POST', `${path}/${created.body.id}/stop`);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: Experiment[]; nextCursor: string | null } } =
        await owner.request('GET', `${path}?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.body.items.map((e) => e.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(ids);
  });

  it('refuses a second draft or running experiment on the step, naming the existing one', async () => {
    const { campaignId, stepId } = await readyCampaign(api, org);
    const path = `/campaigns/${campaignId}/steps/${stepId}/experiments`;
    const owner = as(org.owner.token);
    const first = await owner.request<Experiment>('POST', path, {
      name: 'First',
      variants: TWO_VARIANTS,
    });
    const before = await counts();
    const second = await owner.request<ErrorBody>('POST', path, {
      name: 'Second',
      variants: TWO_VARIANTS,
    });
    expect(second.status).toBe(409);
    expect(second.body.message).toContain('"First"');
    expect(second.body.experimentId).toBe(first.body.id);
    await owner.request('POST', `${path}/${first.body.id}/start`);
    const third = await owner.request<ErrorBody>('POST', path, {
      name: 'Third',
      variants: TWO_VARIANTS,
    });
    expect(third.status).toBe(409);
    expect(third.body.message).toContain('running experiment "First"');
    expect(await counts()).toEqual(before);
  });

  it('refuses every bad input with what to fix, writing nothing', async () => {
    const { campaignId, stepId } = await readyCampaign(api, org);
    const path = `/campaigns/${campaignId}/steps/${stepId}/experiments`;
    const owner = as(org.owner.token);
    const before = await counts();
    const [a, b] = TWO_VARIANTS as [(typeof TWO_VARIANTS)[0], (typeof TWO_VARIANTS)[0]];
    const cases: [string, unknown, RegExp][] = [
      ['one variant', { name: 'x', variants: [a] }, /at least two variants/],
      [
        'zero weight',
        { name: 'x', variants: [a, { ...b, weight: 0 }] },
        /variants\[1\]\.weight.*variant B/,
      ],
      [
        'negative weight',
        { name: 'x', variants: [{ ...a, weight: -5 }, b] },
        /variants\[0\]\.weight.*variant A/,
      ],
      [
        'fractional weight',
        { name: 'x', variants: [a, { ...b, weight: 1.5 }] },
        /variants\[1\]\.weight/,
      ],
      ['weight too big', { name: 'x', variants: [a, { ...b, weight: 10001 }] }, /from 1 to 10000/],
      ['duplicate keys', { name: 'x', variants: [a, { ...b, key: 'A' }] }, /key A is used twice/],
      ['bad key', { name: 'x', variants: [a, { ...b, key: 'B C' }] }, /variants\[1\]\.key must be/],
      [
        'syntax error',
        { name: 'x', variants: [a, { ...b, bodyTemplate: 'Bonjour\n{{ person.first_name ' }] },
        /variants\[1\]\.bodyTemplate: Liquid syntax error at line 2/,
      ],
      [
        'unknown variable',
        { name: 'x', variants: [a, { ...b, subjectTemplate: '{{ person.shoe_size }}' }] },
        /variants\[1\]\.subjectTemplate: unknown variables person\.shoe_size/,
      ],
      [
        'no content',
        { name: 'x', variants: [a, { key: 'B', weight: 1 }] },
        /variants\[1\]\.bodyTemplate: give a bodyTemplate/,
      ],
      [
        'templates and a prompt',
        { name: 'x', variants: [a, { ...b, promptId: '00000000-0000-4000-8000-000000000000' }] },
        /variants\[1\]\.promptId: an e-mail is written from templates or by a prompt, not both/,
      ],
      [
        'unknown prompt',
        {
          name: 'x',
          variants: [a, { key: 'B', weight: 1, promptId: '00000000-0000-4000-8000-000000000000' }],
        },
        /variants\[1\]\.promptId: no prompt/,
      ],
      ['no name', { variants: [a, b] }, /name/],
      ['bad metric', { name: 'x', metric: 'clicks', variants: [a, b] }, /metric/],
      [
        'weight not a number',
        { name: 'x', variants: [a, { ...b, weight: 'ten' }] },
        /variants\.1\.weight/,
      ],
      ['no variants', { name: 'x' }, /variants/],
    ];
    for (const [label, body, message] of cases) {
      const response = await owner.request<ErrorBody>('POST', path, body);
      expect({ label, status: response.status }).toEqual({ label, status: 400 });
      expect({
        label,
        message: response.body.message,
        matches: message.test(response.body.message),
      }).toMatchObject({ label, matches: true });
    }
    // Every problem at once, each located.
    const many = await owner.request<ErrorBody>('POST', path, {
      name: 'x',
      variants: [
        { ...a, weight: 0, bodyTemplate: '{% if %}' },
        { ...b, subjectTemplate: '{{ foo }}' },
      ],
    });
    expect(many.status).toBe(400);
    expect(many.body.problems?.map((p) => [p.field, p.variant])).toEqual([
      ['variants[0].weight', 'A'],
      ['variants[0].bodyTemplate', 'A'],
      ['variants[1].subjectTemplate', 'B'],
    ]);
    expect(many.body.problems?.[1]?.line).toBe(1);
    expect(typeof many.body.problems?.[1]?.column).toBe('number');
    expect(many.body.problems?.[2]?.unknownVariables).toEqual(['foo']);

    // Another campaign's step, unknown ids: 404.
    const other = await readyCampaign(api, org);
    const wrongStep = await owner.request<ErrorBody>(
      'POST',
      `/campaigns/${campaignId}/steps/${other.stepId}/experiments`,
      { name: 'x', variants: TWO_VARIANTS },
    );
    expect(wrongStep.status).toBe(404);
    expect(wrongStep.body.message).toBe('step not found in this campaign');
    const missing = '00000000-0000-4000-8000-000000000000';
    expect(
      (
        await owner.request('POST', `/campaigns/${missing}/steps/${stepId}/experiments`, {
          name: 'x',
          variants: TWO_VARIANTS,
        })
      ).status,
    ).toBe(404);
    expect((await owner.request('GET', `${path}/${missing}`)).status).toBe(404);
    expect((await owner.request('GET', `${path}/not-a-uuid`)).status).toBe(400);
    expect((await owner.request('GET', `${path}?cursor=forged`)).status).toBe(400);
    expect(await counts()).toEqual(before);
  });

  it('refuses bad transitions and a winner from another experiment, changing nothing', async () => {
    const { campaignId, stepId } = await readyCampaign(api, org);
    const path = `/campaigns/${campaignId}/steps/${stepId}/experiments`;
    const owner = as(org.owner.token);
    const draft = await owner.request<Experiment>('POST', path, {
      name: 'Draft',
      variants: TWO_VARIANTS,
    });
    const id = draft.body.id;
    const early = await owner.request<ErrorBody>('POST', `${path}/${id}/winner`, {
      variantId: draft.body.variants[0]?.id,
    });
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ status: 'draft', allowedActions: ['start', 'stop'] });
    expect(early.body.message).toBe(
      'cannot declare a winner of an experiment that is draft: allowed actions: start, stop',
    );
    await owner.request('POST', `${path}/${id}/start`);

    const other = await readyCampaign(api, org);
    const foreign = await owner.request<Experiment>(
      'POST',
      `/campaigns/${other.campaignId}/steps/${other.stepId}/experiments`,
      { name: 'Elsewhere', variants: TWO_VARIANTS },
    );
    const snapshot = async (): Promise<unknown> =>
      (
        await api.admin.query(
          'SELECT status, winner_variant_id, ended_at FROM outreach.step_experiments WHERE organisation_id = $1 AND id = $2',
          [org.organisationId, id],
        )
      ).rows;
    const before = await snapshot();
    const wrong = await owner.request<ErrorBody>('POST', `${path}/${id}/winner`, {
      variantId: foreign.body.variants[0]?.id,
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.message).toMatch(
      /variantId: .* is not a variant of this experiment; its variants are A \(.*\), B/,
    );
    const notUuid = await owner.request<ErrorBody>('POST', `${path}/${id}/winner`, {
      variantId: 'B',
    });
    expect(notUuid.status).toBe(400);
    expect(notUuid.body.message).toContain('variantId');
    expect(await snapshot()).toEqual(before);

    // Another step's experiment through this step's path: 404.
    const crossed = await owner.request('POST', `${path}/${foreign.body.id}/stop`);
    expect(crossed.status).toBe(404);
  });

  it('creates and starts experiments only while the campaign is a draft or paused', async () => {
    const { campaignId, stepId } = await readyCampaign(api, org);
    const path = `/campaigns/${campaignId}/steps/${stepId}/experiments`;
    const owner = as(org.owner.token);
    const draft = await owner.request<Experiment>('POST', path, {
      name: 'Before activation',
      variants: TWO_VARIANTS,
    });
    expect((await owner.request('POST', `/campaigns/${campaignId}/activate`)).status).toBe(200);
    const start = await owner.request<ErrorBody>('POST', `${path}/${draft.body.id}/start`);
    expect(start.status).toBe(409);
    expect(start.body.message).toContain('pause the campaign first');
    const stop = await owner.request<Experiment>('POST', `${path}/${draft.body.id}/stop`);
    expect(stop.body.status).toBe('cancelled');
    const before = await counts();
    const create = await owner.request<ErrorBody>('POST', path, {
      name: 'While active',
      variants: TWO_VARIANTS,
    });
    expect(create.status).toBe(409);
    expect(await counts()).toEqual(before);
    await owner.request('POST', `/campaigns/${campaignId}/pause`);
    expect(
      (await owner.request('POST', path, { name: 'While paused', variants: TWO_VARIANTS })).status,
    ).toBe(201);
  });

  it('keeps a campaign whose running experiment has a variant with an unknown variable from activating', async () => {
    const { campaignId, stepId } = await readyCampaign(api, org);
    const path = `/campaigns/${campaignId}/steps/${stepId}/experiments`;
    const owner = as(org.owner.token);
    const created = await owner.request<Experiment>('POST', path, {
      name: 'Broken later',
      variants: TWO_VARIANTS,
    });
    await owner.request('POST', `${path}/${created.body.id}/start`);
    // Written behind the api's back (e.g. a variable that no longer exists).
    await api.admin.query(
      `UPDATE outreach.step_experiment_variants SET body_template = 'Bonjour {{ person.nickname }}'
        WHERE organisation_id = $1 AND experiment_id = $2 AND key = 'B'`,
      [org.organisationId, created.body.id],
    );
    const refused = await owner.request<ErrorBody>('POST', `/campaigns/${campaignId}/activate`);
    expect(refused.status).toBe(422);
    expect(refused.body.problems).toEqual([
      expect.objectContaining({
        field: 'steps[1].variants.B.bodyTemplate',
        step: 1,
        variant: 'B',
        unknownVariables: ['person.nickname'],
      }),
    ]);
    const campaign = await owner.request<{ status: string }>('GET', `/campaigns/${campaignId}`);
    expect(campaign.body.status).toBe('draft');
    // Once the experiment is stopped, its variants no longer count.
    await owner.request('POST', `${path}/${created.body.id}/stop`);
    expect((await owner.request('POST', `/campaigns/${campaignId}/activate`)).status).toBe(200);
  });

  it('documents the experiment routes in OpenAPI', async () => {
    const document = await api.request<{
      paths: Record<string, Record<string, { requestBody?: unknown }>>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    }>('GET', '/docs-json');
    const path =
      '/organisations/{organisationId}/campaigns/{campaignId}/steps/{stepId}/experiments';
    expect(Object.keys(document.body.paths[path] ?? {}).sort()).toEqual(['get', 'post']);
    expect(Object.keys(document.body.paths[`${path}/{experimentId}`] ?? {}).sort()).toEqual([
      'get',
      'patch',
    ]);
    for (const action of ['start', 'stop', 'winner']) {
      expect(Object.keys(document.body.paths[`${path}/{experimentId}/${action}`] ?? {})).toEqual([
        'post',
      ]);
    }
    expect(
      Object.keys(document.body.components.schemas.CreateExperimentDto?.properties ?? {}).sort(),
    ).toEqual(['metric', 'name', 'variants']);
    expect(
      Object.keys(document.body.components.schemas.ExperimentVariantDto?.properties ?? {}).sort(),
    ).toEqual(['bodyTemplate', 'key', 'promptId', 'subjectTemplate', 'weight']);
  });

  it('lets a viewer read experiments and change nothing; a member builds and runs them', async () => {
    const { campaignId, stepId } = await readyCampaign(api, org);
    const path = `/campaigns/${campaignId}/steps/${stepId}/experiments`;
    const created = await as(org.owner.token).request<Experiment>('POST', path, {
      name: 'Roles',
      variants: TWO_VARIANTS,
    });
    const id = created.body.id;
    const reader = as(viewer.token);
    for (const read of [path, `${path}/${id}`]) {
      expect({ read, status: (await reader.request('GET', read)).status }).toEqual({
        read,
        status: 200,
      });
    }
    const before = await counts();
    for (const [call, body] of [
      [path, { name: 'Nope', variants: TWO_VARIANTS }],
      [`${path}/${id}/start`, undefined],
      [`${path}/${id}/stop`, undefined],
      [`${path}/${id}/winner`, { variantId: created.body.variants[0]?.id }],
    ] as const) {
      const response = await reader.request('POST', call, body);
      expect({ call, status: response.status }).toEqual({ call, status: 403 });
    }
    expect(await counts()).toEqual(before);
    const writer = as(member.token);
    expect((await writer.request<Experiment>('POST', `${path}/${id}/start`)).body.status).toBe(
      'running',
    );
    const won = await writer.request<Experiment>('POST', `${path}/${id}/winner`, {
      variantId: created.body.variants[0]?.id,
    });
    expect(won.body.status).toBe('completed');
    expect(
      (await writer.request('POST', path, { name: 'By a member', variants: TWO_VARIANTS })).status,
    ).toBe(201);
  });
});
