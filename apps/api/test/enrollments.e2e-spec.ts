import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { ApiHarness } from './support/api-harness.js';
import { memberWithRole, organisationWithData, type OrgFixture } from './support/fixtures.js';
import {
  seed,
  seedCampaign,
  seedEnrollment,
  seedMessage,
  seedPosition,
  type SeededCampaign,
} from './support/outreach-seed.js';

interface EnrollResult {
  enrolled: number;
  skipped: Record<string, number>;
}
interface Enrollment {
  id: string;
  status: string;
  exitReason: string | null;
  positionId: string;
}
interface PageOf<T> {
  items: T[];
  nextCursor: string | null;
}

const NO_SKIPS = {
  not_found: 0,
  already_enrolled: 0,
  no_email: 0,
  inactive_position: 0,
  unusable_email_status: 0,
  suppressed: 0,
};

describe('enrollments, tasks and messages (e2e)', () => {
  let api: ApiHarness;
  let a: OrgFixture;
  let b: OrgFixture;
  let base: string;
  let campaign: SeededCampaign;
  let usable: string[];
  let unusable: Record<string, string>;

  const post = (path: string, body: unknown, token = a.owner.token) =>
    api.request<EnrollResult & { message: string }>('POST', `${base}${path}`, { token, body });
  const enrollments = () => api.count('outreach.campaign_enrollments', a.organisationId);
  const tasks = () => api.count('outreach.tasks', a.organisationId);

  beforeAll(async () => {
    api = await ApiHarness.start();
    a = await organisationWithData(api, 'owner@enroll-a.example.fr', 'EnrollAlpha');
    b = await organisationWithData(api, 'owner@enroll-b.example.fr', 'EnrollBravo');
    base = `/organisations/${a.organisationId}`;
    campaign = await seedCampaign(api, a.organisationId, { steps: 2, delayDays: 2 });
    usable = [
      await seedPosition(api, a.organisationId, {
        pharowListName: 'Salon 2026',
        company: { nafCode: '62.01Z', city: 'Paris', postalCode: '75008' },
      }),
      await seedPosition(api, a.organisationId, {
        pharowListName: 'Salon 2026',
        company: { nafCode: '62.02A', city: 'PARIS', postalCode: '75011' },
      }),
      await seedPosition(api, a.organisationId, { emailStatus: 'catch_all' }),
    ];
    await seed(api, a.organisationId, async (repos, org) => {
      await repos.suppressions.create(org, {
        kind: 'email',
        value: 'gone@suppressed.fr',
        reason: 'unsubscribed',
      });
      await repos.suppressions.create(org, {
        kind: 'domain',
        value: 'blocked.fr',
        reason: 'manual',
      });
    });
    unusable = {
      risky: await seedPosition(api, a.organisationId, { emailStatus: 'risky' }),
      noEmail: await seedPosition(api, a.organisationId, { email: null }),
      former: await seedPosition(api, a.organisationId, { status: 'former' }),
      suppressedAddress: await seedPosition(api, a.organisationId, {
        email: 'Gone@Suppressed.fr',
        pharowListName: 'Salon 2026',
      }),
      suppressedDomain: await seedPosition(api, a.organisationId, {
        email: 'x@sales.blocked.fr',
      }),
    };
  });

  afterAll(async () => {
    await api.stop();
  });

  describe('POST …/campaigns/:campaignId/enrollments', () => {
    it('enrolls usable positions by id, each with its first task, and counts every skip by reason', async () => {
      const ids = [
        ...usable,
        ...Object.values(unusable),
        a.positionId, // the fixture's position: e-mail status unknown
        b.positionId, // another organisation's
        randomUUID(),
      ];
      const response = await post(`/campaigns/${campaign.campaignId}/enrollments`, {
        positionIds: [...ids, usable[0]],
      });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        enrolled: 3,
        skipped: {
          not_found: 2,
          already_enrolled: 0,
          no_email: 1,
          inactive_position: 1,
          unusable_email_status: 2,
          suppressed: 2,
        },
      });
      const { rows } = await api.admin.query<{
        position_id: string;
        step_order: number;
        days: number;
        status: string;
        kind: string;
      }>(
        `SELECT e.position_id, s.step_order, t.status, t.kind,
                round(extract(epoch FROM t.due_at - now()) / 86400)::int AS days
           FROM outreach.campaign_enrollments e
           JOIN outreach.tasks t ON t.organisation_id = e.organisation_id AND t.enrollment_id = e.id
           JOIN outreach.workflow_steps s ON s.organisation_id = t.organisation_id AND s.id = t.step_id
          WHERE e.organisation_id = $1 AND e.campaign_id = $2`,
        [a.organisationId, campaign.campaignId],
      );
      expect(rows.map((row) => row.position_id).sort()).toEqual([...usable].sort());
      for (const row of rows) {
        expect(row).toMatchObject({
          step_order: 1,
          days: 2,
          status: 'pending',
          kind: 'send_email',
        });
      }
      expect(await api.count('outreach.campaign_enrollments', b.organisationId)).toBe(0);
    });

    it('is idempotent: the same call again enrolls nothing and counts them already_enrolled', async () => {
      const before = [await enrollments(), await tasks()];
      const response = await post(`/campaigns/${campaign.campaignId}/enrollments`, {
        positionIds: usable,
      });
      expect(response.body).toEqual({ enrolled: 0, skipped: { ...NO_SKIPS, already_enrolled: 3 } });
      expect([await enrollments(), await tasks()]).toEqual(before);
    });

    it('serialises concurrent calls into one campaign: each position enrolled once, the later call counts them already_enrolled', async () => {
      const target = await seedCampaign(api, a.organisationId);
      // Hold the campaign's enroll lock, as a first call's transaction would: both calls wait.
      const holder = new pg.Client({ connectionString: api.database.url });
      await holder.connect();
      try {
        await holder.query('BEGIN');
        await holder.query(
          `SELECT pg_advisory_xact_lock(hashtextextended('outreach.enroll:' || $1::text, 0))`,
          [target.campaignId],
        );
        let settled = 0;
        const calls = [usable, [...usable].reverse()].map((positionIds) =>
          post(`/campaigns/${target.campaignId}/enrollments`, { positionIds }).finally(() => {
            settled += 1;
          }),
        );
        await new Promise((resolve) => setTimeout(resolve, 500));
        expect(settled).toBe(0);
        await holder.query('COMMIT');
        const answers = await Promise.all(calls);
        expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
        expect(
          answers.map((answer) => answer.body).sort((x, y) => y.enrolled - x.enrolled),
        ).toEqual([
          { enrolled: 3, skipped: NO_SKIPS },
          { enrolled: 0, skipped: { ...NO_SKIPS, already_enrolled: 3 } },
        ]);
      } finally {
        await holder.end();
      }
      const { rows } = await api.admin.query<{ n: number; tasks: number }>(
        `SELECT count(*)::int AS n,
                (SELECT count(*) FROM outreach.tasks WHERE campaign_id = $1)::int AS tasks
           FROM outreach.campaign_enrollments WHERE campaign_id = $1`,
        [target.campaignId],
      );
      expect(rows[0]).toEqual({ n: 3, tasks: 3 });
      // Time-ordered ids (UUID version 7 layout, RFC 9562 variant), distinct across tables.
      const ids = await api.admin.query<{ enrollment: string; task: string }>(
        `SELECT e.id AS enrollment, t.id AS task
           FROM outreach.campaign_enrollments e
           JOIN outreach.tasks t ON t.organisation_id = e.organisation_id AND t.enrollment_id = e.id
          WHERE e.campaign_id = $1`,
        [target.campaignId],
      );
      for (const { enrollment, task } of ids.rows) {
        expect(enrollment).toMatch(
          /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
        );
        expect(task).toMatch(
          /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
        );
        expect(task).not.toBe(enrollment);
      }
    });

    it("enrolls nothing for another organisation's position ids, alone or mixed", async () => {
      const other = await seedCampaign(api, a.organisationId);
      const alone = await post(`/campaigns/${other.campaignId}/enrollments`, {
        positionIds: [b.positionId],
      });
      expect(alone.body).toEqual({ enrolled: 0, skipped: { ...NO_SKIPS, not_found: 1 } });
      const mixed = await post(`/campaigns/${other.campaignId}/enrollments`, {
        positionIds: [b.positionId, usable[2]],
      });
      expect(mixed.body).toEqual({ enrolled: 1, skipped: { ...NO_SKIPS, not_found: 1 } });
      const { rows } = await api.admin.query(
        'SELECT position_id FROM outreach.campaign_enrollments WHERE campaign_id = $1',
        [other.campaignId],
      );
      expect(rows).toEqual([{ position_id: usable[2] }]);
    });

    it('enrolls by filter: Pharow list, NAF prefix, city (any case), postal code prefix, e-mail status', async () => {
      const cases: [unknown, number, Partial<Record<string, number>>][] = [
        [{ pharowListName: 'Salon 2026' }, 2, { suppressed: 1 }],
        [{ nafCodes: ['62'], cities: ['paris'] }, 2, {}],
        [{ nafCodes: ['62.01Z'] }, 1, {}],
        [{ postalCodePrefixes: ['7501'] }, 1, {}],
        [{ emailStatuses: ['catch_all', 'risky'] }, 1, { unusable_email_status: 1 }],
      ];
      for (const [filter, enrolled, skipped] of cases) {
        const target = await seedCampaign(api, a.organisationId);
        const response = await post(`/campaigns/${target.campaignId}/enrollments`, { filter });
        expect({ filter, body: response.body }).toEqual({
          filter,
          body: { enrolled, skipped: { ...NO_SKIPS, ...skipped } },
        });
      }
    });

    it('refuses bad input with a 4xx that says what to fix, writing nothing', async () => {
      const archived = await seedCampaign(api, a.organisationId, { status: 'archived' });
      const completed = await seedCampaign(api, a.organisationId, { status: 'completed' });
      const empty = await seedCampaign(api, a.organisationId, { steps: 0 });
      const bCampaign = await seedCampaign(api, b.organisationId);
      const path = `/campaigns/${campaign.campaignId}/enrollments`;
      const tooMany = Array.from({ length: 100_001 }, () => randomUUID());
      const cases: [string, unknown, number, RegExp][] = [
        [path, { positionIds: tooMany }, 400, /at most 100000 positions/],
        [path, {}, 400, /either positionIds .* or filter/],
        [path, { positionIds: usable, filter: { pharowListName: 'x' } }, 400, /not both/],
        [path, { positionIds: [] }, 400, /positionIds should not be empty/],
        [path, { positionIds: ['not-a-uuid'] }, 400, /positionIds.*UUID/],
        [path, { filter: {} }, 400, /at least one criterion/],
        [path, { filter: { nafCodes: ['6201Z'] } }, 400, /NAF code or prefix/],
        [path, { filter: { emailStatuses: ['great'] } }, 400, /emailStatuses/],
        [path, { filter: { colour: 'red' } }, 400, /colour should not exist/],
        [
          `/campaigns/${archived.campaignId}/enrollments`,
          { positionIds: usable },
          409,
          /archived campaign/,
        ],
        [
          `/campaigns/${completed.campaignId}/enrollments`,
          { positionIds: usable },
          409,
          /completed campaign/,
        ],
        [
          `/campaigns/${empty.campaignId}/enrollments`,
          { positionIds: usable },
          409,
          /add a step first/,
        ],
        [
          `/campaigns/${randomUUID()}/enrollments`,
          { positionIds: usable },
          404,
          /campaign not found/,
        ],
        [
          `/campaigns/${bCampaign.campaignId}/enrollments`,
          { positionIds: usable },
          404,
          /campaign not found/,
        ],
        ['/campaigns/nope/enrollments', { positionIds: usable }, 400, /uuid/],
      ];
      const before = [await enrollments(), await tasks()];
      for (const [target, body, status, message] of cases) {
        const response = await post(target, body);
        expect({ target, status: response.status }).toEqual({ target, status });
        expect(response.body.message).toMatch(message);
      }
      expect([await enrollments(), await tasks()]).toEqual(before);
    });
  });

  describe('GET …/enrollments and pause / resume / exit', () => {
    it('lists a campaign’s enrollments, paginated, with a status filter', async () => {
      const first = await api.request<PageOf<Enrollment>>(
        'GET',
        `${base}/campaigns/${campaign.campaignId}/enrollments?limit=2`,
        { token: a.owner.token },
      );
      expect(first.status).toBe(200);
      expect(first.body.items).toHaveLength(2);
      const second = await api.request<PageOf<Enrollment>>(
        'GET',
        `${base}/campaigns/${campaign.campaignId}/enrollments?limit=2&cursor=${first.body.nextCursor ?? ''}`,
        { token: a.owner.token },
      );
      expect(second.body.items).toHaveLength(1);
      expect(second.body.nextCursor).toBeNull();
      const exited = await api.request<PageOf<Enrollment>>(
        'GET',
        `${base}/campaigns/${campaign.campaignId}/enrollments?status=exited`,
        { token: a.owner.token },
      );
      expect(exited.body.items).toEqual([]);
      const bad = await api.request<{ message: string }>(
        'GET',
        `${base}/campaigns/${campaign.campaignId}/enrollments?status=gone`,
        { token: a.owner.token },
      );
      expect(bad.status).toBe(400);
      expect(bad.body.message).toMatch(/status must be one of/);
      const unknown = await api.request('GET', `${base}/campaigns/${randomUUID()}/enrollments`, {
        token: a.owner.token,
      });
      expect(unknown.status).toBe(404);
    });

    it('pauses, resumes and exits (reason manual, pending tasks cancelled); a wrong move is a 409 naming the allowed ones', async () => {
      const seeded = await seedEnrollment(api, a.organisationId, campaign);
      const at = (action: string) =>
        api.request<Enrollment & { message: string; allowedActions: string[] }>(
          'POST',
          `${base}/campaigns/${campaign.campaignId}/enrollments/${seeded.enrollmentId}/${action}`,
          { token: a.owner.token },
        );
      expect((await at('resume')).body).toMatchObject({
        statusCode: 409,
        message: 'cannot resume an enrollment that is active: allowed actions: pause, exit',
        allowedActions: ['pause', 'exit'],
      });
      expect((await at('pause')).body).toMatchObject({ status: 'paused' });
      const again = await at('pause');
      expect(again.status).toBe(409);
      expect(again.body.message).toMatch(/allowed actions: resume, exit/);
      expect((await at('resume')).body).toMatchObject({ status: 'active' });
      const exited = await at('exit');
      expect(exited.status).toBe(200);
      expect(exited.body).toMatchObject({ status: 'exited', exitReason: 'manual' });
      const { rows } = await api.admin.query('SELECT status FROM outreach.tasks WHERE id = $1', [
        seeded.taskId,
      ]);
      expect(rows).toEqual([{ status: 'cancelled' }]);
      const final = await at('resume');
      expect(final.status).toBe(409);
      expect(final.body.message).toMatch(/it is final/);
    });

    it("answers 404 for another campaign's or organisation's enrollment", async () => {
      const seeded = await seedEnrollment(api, a.organisationId, campaign);
      const other = await seedCampaign(api, a.organisationId);
      const wrongCampaign = await api.request(
        'POST',
        `${base}/campaigns/${other.campaignId}/enrollments/${seeded.enrollmentId}/pause`,
        { token: a.owner.token },
      );
      expect(wrongCampaign.status).toBe(404);
      const wrongOrg = await api.request(
        'POST',
        `/organisations/${b.organisationId}/campaigns/${campaign.campaignId}/enrollments/${seeded.enrollmentId}/pause`,
        { token: b.owner.token },
      );
      expect(wrongOrg.status).toBe(404);
      const { rows } = await api.admin.query(
        'SELECT status FROM outreach.campaign_enrollments WHERE id = $1',
        [seeded.enrollmentId],
      );
      expect(rows).toEqual([{ status: 'active' }]);
    });
  });

  describe('tasks and messages (read-only)', () => {
    it('lists a campaign’s tasks with a status filter', async () => {
      const own = await seedCampaign(api, a.organisationId);
      const one = await seedEnrollment(api, a.organisationId, own);
      await seedEnrollment(api, a.organisationId, own);
      await api.request(
        'POST',
        `${base}/campaigns/${own.campaignId}/enrollments/${one.enrollmentId}/exit`,
        {
          token: a.owner.token,
        },
      );
      const all = await api.request<PageOf<{ id: string; status: string }>>(
        'GET',
        `${base}/campaigns/${own.campaignId}/tasks`,
        { token: a.owner.token },
      );
      expect(all.body.items.map((task) => task.status).sort()).toEqual(['cancelled', 'pending']);
      const pending = await api.request<PageOf<{ id: string }>>(
        'GET',
        `${base}/campaigns/${own.campaignId}/tasks?status=pending&limit=1`,
        { token: a.owner.token },
      );
      expect(pending.body.items).toHaveLength(1);
      expect(pending.body.items[0]?.id).not.toBe(one.taskId);
      const missing = await api.request('GET', `${base}/campaigns/${randomUUID()}/tasks`, {
        token: a.owner.token,
      });
      expect(missing.status).toBe(404);
    });

    it('lists a campaign’s messages without bodies, filters them, and shows one with its bodies', async () => {
      const own = await seedCampaign(api, a.organisationId);
      const enrollment = await seedEnrollment(api, a.organisationId, own);
      const sent = await seedMessage(api, a.organisationId, enrollment);
      const reply = await seedMessage(api, a.organisationId, enrollment, { direction: 'inbound' });
      const elsewhere = await seedCampaign(api, a.organisationId);
      await seedMessage(
        api,
        a.organisationId,
        await seedEnrollment(api, a.organisationId, elsewhere),
      );

      const list = await api.request<PageOf<Record<string, unknown>>>(
        'GET',
        `${base}/campaigns/${own.campaignId}/messages?limit=1`,
        { token: a.owner.token },
      );
      expect(list.status).toBe(200);
      expect(list.body.items.map((m) => m.id)).toEqual([sent]);
      expect(list.body.items[0]).not.toHaveProperty('bodyText');
      expect(list.body.items[0]).not.toHaveProperty('bodyHtml');
      const next = await api.request<PageOf<Record<string, unknown>>>(
        'GET',
        `${base}/campaigns/${own.campaignId}/messages?limit=1&cursor=${list.body.nextCursor ?? ''}`,
        { token: a.owner.token },
      );
      expect(next.body.items.map((m) => m.id)).toEqual([reply]);
      expect(next.body.nextCursor).toBeNull();
      const inbound = await api.request<PageOf<Record<string, unknown>>>(
        'GET',
        `${base}/campaigns/${own.campaignId}/messages?messageDirection=inbound`,
        { token: a.owner.token },
      );
      expect(inbound.body.items.map((m) => [m.id, m.inboundClass])).toEqual([
        [reply, 'human_reply'],
      ]);
      expect(list.body.items[0]?.inboundClass).toBeNull();
      const sentOnly = await api.request<PageOf<Record<string, unknown>>>(
        'GET',
        `${base}/campaigns/${own.campaignId}/messages?status=sent`,
        { token: a.owner.token },
      );
      expect(sentOnly.body.items.map((m) => m.id)).toEqual([sent]);

      const detail = await api.request<Record<string, unknown>>(
        'GET',
        `${base}/campaigns/${own.campaignId}/messages/${sent}`,
        { token: a.owner.token },
      );
      expect(detail.status).toBe(200);
      expect(detail.body).toMatchObject({ id: sent, direction: 'outbound', status: 'sent' });
      expect(detail.body.bodyText).toMatch(/^Body text/);
      expect(detail.body.bodyHtml).toMatch(/^<p>Body/);

      for (const path of [
        `${base}/campaigns/${elsewhere.campaignId}/messages/${sent}`,
        `${base}/campaigns/${own.campaignId}/messages/${randomUUID()}`,
        `${base}/campaigns/${randomUUID()}/messages`,
      ]) {
        expect({
          path,
          status: (await api.request('GET', path, { token: a.owner.token })).status,
        }).toEqual({
          path,
          status: 404,
        });
      }
      const foreign = await api.request(
        'GET',
        `/organisations/${b.organisationId}/campaigns/${own.campaignId}/messages/${sent}`,
        { token: b.owner.token },
      );
      expect(foreign.status).toBe(404);
      expect(foreign.text).not.toContain('Body text');
    });
  });

  describe('roles', () => {
    it('lets a viewer read and nothing else; a member enrolls and changes enrollments', async () => {
      const viewer = await memberWithRole(api, a, 'viewer@enroll-a.example.fr', 'viewer');
      const member = await memberWithRole(api, a, 'member@enroll-a.example.fr', 'member');
      const own = await seedCampaign(api, a.organisationId);
      const seeded = await seedEnrollment(api, a.organisationId, own);
      const c = `${base}/campaigns/${own.campaignId}`;
      for (const path of ['/enrollments', '/tasks', '/messages']) {
        expect((await api.request('GET', `${c}${path}`, { token: viewer.token })).status).toBe(200);
      }
      const before = [await enrollments(), await tasks()];
      for (const [path, body] of [
        ['/enrollments', { positionIds: usable }],
        [`/enrollments/${seeded.enrollmentId}/pause`, undefined],
        [`/enrollments/${seeded.enrollmentId}/exit`, undefined],
      ] as const) {
        const response = await api.request<{ message: string }>('POST', `${c}${path}`, {
          token: viewer.token,
          body,
        });
        expect({ path, status: response.status }).toEqual({ path, status: 403 });
        expect(response.body.message).toMatch(/does not grant "campaigns:write"/);
      }
      expect([await enrollments(), await tasks()]).toEqual(before);
      const enrolled = await api.request<EnrollResult>('POST', `${c}/enrollments`, {
        token: member.token,
        body: { positionIds: usable },
      });
      expect(enrolled.body.enrolled).toBe(3);
      expect(
        (
          await api.request('POST', `${c}/enrollments/${seeded.enrollmentId}/pause`, {
            token: member.token,
          })
        ).status,
      ).toBe(200);
    });
  });
});
