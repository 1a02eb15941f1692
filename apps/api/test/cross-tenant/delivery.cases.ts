import type { ApiHarness } from '../support/api-harness.js';
import type { OrgFixture } from '../support/fixtures.js';
import { fresh, type CrossTenantCases } from './cross-tenant-case.js';

const unique = (): string => Math.random().toString(36).slice(2);

/** A mailbox whose SMTP server is a closed local port: verify answers at once (refused). */
export function mailboxBody(address = `sender-${unique()}@example.fr`): Record<string, unknown> {
  return {
    emailAddress: address,
    displayName: 'Sender',
    smtp: {
      host: '127.0.0.1',
      port: 1,
      security: 'none',
      username: address,
      password: `pw-${unique()}`,
    },
  };
}

const freshMailbox = (api: ApiHarness, f: OrgFixture): Promise<string> =>
  fresh(api, f, 'mailboxes', mailboxBody());

/** A one-file CSV upload, as a browser or `curl -F file=@list.csv` sends it. */
export function csvUpload(csv: string): FormData {
  const form = new FormData();
  form.append('file', new Blob([csv], { type: 'text/csv' }), 'suppressions.csv');
  return form;
}

/** Mailboxes and the suppression list. */
export const DELIVERY_CASES: CrossTenantCases = {
  'GET /organisations/:organisationId/mailboxes': () => Promise.resolve({ params: {} }),
  'POST /organisations/:organisationId/mailboxes': () =>
    Promise.resolve({ params: {}, body: mailboxBody() }),
  'GET /organisations/:organisationId/mailboxes/:mailboxId': async (f, api) => ({
    params: { mailboxId: await freshMailbox(api, f) },
  }),
  'PATCH /organisations/:organisationId/mailboxes/:mailboxId': async (f, api) => ({
    params: { mailboxId: await freshMailbox(api, f) },
    body: { dailyCap: 50 },
  }),
  'DELETE /organisations/:organisationId/mailboxes/:mailboxId': async (f, api) => ({
    params: { mailboxId: await freshMailbox(api, f) },
  }),
  'POST /organisations/:organisationId/mailboxes/:mailboxId/inbound-secret': async (f, api) => ({
    params: { mailboxId: await freshMailbox(api, f) },
  }),
  'POST /organisations/:organisationId/mailboxes/:mailboxId/verify': async (f, api) => ({
    params: { mailboxId: await freshMailbox(api, f) },
  }),
  'GET /organisations/:organisationId/suppressions': () => Promise.resolve({ params: {} }),
  'POST /organisations/:organisationId/suppressions': () =>
    Promise.resolve({ params: {}, body: { email: `gone-${unique()}@example.fr` } }),
  'POST /organisations/:organisationId/suppressions/import': () =>
    Promise.resolve({ params: {}, body: csvUpload(`email\nbulk-${unique()}@example.fr\n`) }),
  'DELETE /organisations/:organisationId/suppressions/:suppressionId': async (f, api) => ({
    params: {
      suppressionId: await fresh(api, f, 'suppressions', { domain: `${unique()}.example.fr` }),
    },
  }),
};
