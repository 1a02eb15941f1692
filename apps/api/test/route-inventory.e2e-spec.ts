import { ApiHarness } from './support/api-harness.js';
import { describeAccess, routeInventory } from './support/route-inventory.js';

/**
 * Every route is guarded or explicitly public, and this list says which. A new route shows up
 * here as a failing diff: add it with its access (and a case in cross-tenant.e2e-spec.ts).
 */
describe('route inventory (e2e)', () => {
  let api: ApiHarness;

  beforeAll(async () => {
    api = await ApiHarness.start();
  });

  afterAll(async () => {
    await api.stop();
  });

  it('lists every route with its protection', () => {
    const routes = routeInventory(api.app).map(
      (route) => `${route.method.padEnd(6)} ${route.path} → ${describeAccess(route.access)}`,
    );
    expect(routes).toEqual([
      'GET    /health/live → public',
      'GET    /health/ready → public',
      'POST   /inbound/:mailboxId → public',
      'GET    /organisations → authenticated',
      'POST   /organisations → authenticated',
      'GET    /organisations/:organisationId → organisation:organisation:read',
      'PATCH  /organisations/:organisationId → organisation:organisation:write',
      'GET    /organisations/:organisationId/campaigns → organisation:campaigns:read',
      'POST   /organisations/:organisationId/campaigns → organisation:campaigns:write',
      'DELETE /organisations/:organisationId/campaigns/:campaignId → organisation:campaigns:write',
      'GET    /organisations/:organisationId/campaigns/:campaignId → organisation:campaigns:read',
      'PATCH  /organisations/:organisationId/campaigns/:campaignId → organisation:campaigns:write',
      'POST   /organisations/:organisationId/campaigns/:campaignId/activate → organisation:campaigns:write',
      'POST   /organisations/:organisationId/campaigns/:campaignId/archive → organisation:campaigns:write',
      'POST   /organisations/:organisationId/campaigns/:campaignId/complete → organisation:campaigns:write',
      'GET    /organisations/:organisationId/campaigns/:campaignId/enrollments → organisation:campaigns:read',
      'POST   /organisations/:organisationId/campaigns/:campaignId/enrollments → organisation:campaigns:write',
      'POST   /organisations/:organisationId/campaigns/:campaignId/enrollments/:enrollmentId/exit → organisation:campaigns:write',
      'POST   /organisations/:organisationId/campaigns/:campaignId/enrollments/:enrollmentId/pause → organisation:campaigns:write',
      'POST   /organisations/:organisationId/campaigns/:campaignId/enrollments/:enrollmentId/resume → organisation:campaigns:write',
      'GET    /organisations/:organisationId/campaigns/:campaignId/experiments → organisation:campaigns:read',
      'GET    /organisations/:organisationId/campaigns/:campaignId/messages → organisation:campaigns:read',
      'GET    /organisations/:organisationId/campaigns/:campaignId/messages/:messageId → organisation:campaigns:read',
      'GET    /organisations/:organisationId/campaigns/:campaignId/messages/:messageId/open-stats → organisation:campaigns:read',
      'GET    /organisations/:organisationId/campaigns/:campaignId/open-stats → organisation:campaigns:read',
      'POST   /organisations/:organisationId/campaigns/:campaignId/pause → organisation:campaigns:write',
      'POST   /organisations/:organisationId/campaigns/:campaignId/resume → organisation:campaigns:write',
      'GET    /organisations/:organisationId/campaigns/:campaignId/stats → organisation:campaigns:read',
      'GET    /organisations/:organisationId/campaigns/:campaignId/stats.csv → organisation:campaigns:read',
      'GET    /organisations/:organisationId/campaigns/:campaignId/stats/daily → organisation:campaigns:read',
      'GET    /organisations/:organisationId/campaigns/:campaignId/stats/daily.csv → organisation:campaigns:read',
      'GET    /organisations/:organisationId/campaigns/:campaignId/steps → organisation:campaigns:read',
      'POST   /organisations/:organisationId/campaigns/:campaignId/steps → organisation:campaigns:write',
      'DELETE /organisations/:organisationId/campaigns/:campaignId/steps/:stepId → organisation:campaigns:write',
      'GET    /organisations/:organisationId/campaigns/:campaignId/steps/:stepId → organisation:campaigns:read',
      'PATCH  /organisations/:organisationId/campaigns/:campaignId/steps/:stepId → organisation:campaigns:write',
      'GET    /organisations/:organisationId/campaigns/:campaignId/steps/:stepId/experiments → organisation:campaigns:read',
      'POST   /organisations/:organisationId/campaigns/:campaignId/steps/:stepId/experiments → organisation:campaigns:write',
      'GET    /organisations/:organisationId/campaigns/:campaignId/steps/:stepId/experiments/:experimentId → organisation:campaigns:read',
      'PATCH  /organisations/:organisationId/campaigns/:campaignId/steps/:stepId/experiments/:experimentId → organisation:campaigns:write',
      'POST   /organisations/:organisationId/campaigns/:campaignId/steps/:stepId/experiments/:experimentId/start → organisation:campaigns:write',
      'POST   /organisations/:organisationId/campaigns/:campaignId/steps/:stepId/experiments/:experimentId/stop → organisation:campaigns:write',
      'POST   /organisations/:organisationId/campaigns/:campaignId/steps/:stepId/experiments/:experimentId/winner → organisation:campaigns:write',
      'POST   /organisations/:organisationId/campaigns/:campaignId/steps/:stepId/preview → organisation:campaigns:read',
      'PUT    /organisations/:organisationId/campaigns/:campaignId/steps/order → organisation:campaigns:write',
      'GET    /organisations/:organisationId/campaigns/:campaignId/tasks → organisation:campaigns:read',
      'GET    /organisations/:organisationId/companies → organisation:companies:read',
      'POST   /organisations/:organisationId/companies → organisation:companies:write',
      'DELETE /organisations/:organisationId/companies/:companyId → organisation:companies:write',
      'GET    /organisations/:organisationId/companies/:companyId → organisation:companies:read',
      'PATCH  /organisations/:organisationId/companies/:companyId → organisation:companies:write',
      'GET    /organisations/:organisationId/imports → organisation:imports:read',
      'POST   /organisations/:organisationId/imports → organisation:imports:write',
      'GET    /organisations/:organisationId/imports/:importId → organisation:imports:read',
      'GET    /organisations/:organisationId/imports/:importId/errors.csv → organisation:imports:read',
      'GET    /organisations/:organisationId/mailboxes → organisation:mailboxes:read',
      'POST   /organisations/:organisationId/mailboxes → organisation:mailboxes:write',
      'DELETE /organisations/:organisationId/mailboxes/:mailboxId → organisation:mailboxes:write',
      'GET    /organisations/:organisationId/mailboxes/:mailboxId → organisation:mailboxes:read',
      'PATCH  /organisations/:organisationId/mailboxes/:mailboxId → organisation:mailboxes:write',
      'POST   /organisations/:organisationId/mailboxes/:mailboxId/inbound-secret → organisation:mailboxes:write',
      'GET    /organisations/:organisationId/mailboxes/:mailboxId/stats → organisation:mailboxes:read',
      'POST   /organisations/:organisationId/mailboxes/:mailboxId/verify → organisation:mailboxes:write',
      'GET    /organisations/:organisationId/members → organisation:members:read',
      'POST   /organisations/:organisationId/members → organisation:members:write',
      'DELETE /organisations/:organisationId/members/:userId → organisation:members:write',
      'PATCH  /organisations/:organisationId/members/:userId → organisation:members:write',
      'GET    /organisations/:organisationId/people → organisation:people:read',
      'POST   /organisations/:organisationId/people → organisation:people:write',
      'DELETE /organisations/:organisationId/people/:personId → organisation:people:write',
      'GET    /organisations/:organisationId/people/:personId → organisation:people:read',
      'PATCH  /organisations/:organisationId/people/:personId → organisation:people:write',
      'GET    /organisations/:organisationId/positions → organisation:positions:read',
      'POST   /organisations/:organisationId/positions → organisation:positions:write',
      'DELETE /organisations/:organisationId/positions/:positionId → organisation:positions:write',
      'GET    /organisations/:organisationId/positions/:positionId → organisation:positions:read',
      'PATCH  /organisations/:organisationId/positions/:positionId → organisation:positions:write',
      'GET    /organisations/:organisationId/prompts → organisation:prompts:read',
      'POST   /organisations/:organisationId/prompts → organisation:prompts:write',
      'GET    /organisations/:organisationId/prompts/:promptId → organisation:prompts:read',
      'GET    /organisations/:organisationId/suppressions → organisation:suppressions:read',
      'POST   /organisations/:organisationId/suppressions → organisation:suppressions:write',
      'DELETE /organisations/:organisationId/suppressions/:suppressionId → organisation:suppressions:write',
      'POST   /organisations/:organisationId/suppressions/import → organisation:suppressions:write',
    ]);
  });

  it('has no misconfigured route and no unprotected organisation route', () => {
    const bad = routeInventory(api.app).filter(
      (route) =>
        route.access.kind === 'misconfigured' ||
        (route.path.includes(':organisationId') && route.access.kind !== 'organisation'),
    );
    expect(bad).toEqual([]);
  });

  it('mounts every listed route in Fastify', () => {
    const fastify = api.app.getHttpAdapter().getInstance();
    const missing = routeInventory(api.app).filter(
      (route) => !fastify.hasRoute({ method: route.method, url: route.path }),
    );
    expect(missing).toEqual([]);
  });

  it('refuses a request without a token on every non-public route', async () => {
    for (const route of routeInventory(api.app)) {
      if (route.access.kind === 'public') continue;
      const path = route.path.replace(/:\w+/g, '00000000-0000-4000-8000-000000000000');
      const body = ['POST', 'PATCH'].includes(route.method) ? {} : undefined;
      const response = await api.request(route.method, path, { body });
      expect({ route: `${route.method} ${route.path}`, status: response.status }).toEqual({
        route: `${route.method} ${route.path}`,
        status: 401,
      });
    }
  });
});
