import {
  asOrganisationId,
  createRepositories,
  CursorCodec,
  runInTenantTransaction,
} from '@outreach/db';
import type { ApiHarness } from './api-harness.js';
import type { OrgFixture } from './fixtures.js';

/**
 * A mailbox written through packages/db's repository in a tenant transaction (the secret is
 * any 29+ byte buffer: nothing here decrypts it).
 */
export async function seedMailbox(
  api: ApiHarness,
  fixture: OrgFixture,
  status: 'active' | 'paused' | 'error' = 'active',
): Promise<string> {
  const organisationId = asOrganisationId(fixture.organisationId);
  return runInTenantTransaction(api.seeding, organisationId, async (manager) => {
    const repositories = createRepositories(manager, new CursorCodec('seed-cursor-secret-123'));
    const mailbox = await repositories.mailboxes.create(organisationId, {
      emailAddress: `sales-${Math.random().toString(36).slice(2, 8)}@acme.fr`,
      displayName: 'Alice Martin',
      smtpHost: 'smtp.acme.fr',
      smtpPort: 587,
      smtpUsername: 'alice',
      smtpPasswordEncrypted: Buffer.alloc(40, 1),
      secretKeyId: 'test',
      status,
    });
    return mailbox.id;
  });
}

interface Created {
  id: string;
}

/** A campaign with a mailbox and one valid step, created through the api; `activate` makes it active. */
export async function readyCampaign(
  api: ApiHarness,
  fixture: OrgFixture,
  state: 'draft' | 'active' | 'paused' | 'completed' = 'draft',
): Promise<{ campaignId: string; stepId: string; mailboxId: string }> {
  const base = `/organisations/${fixture.organisationId}/campaigns`;
  const token = fixture.owner.token;
  const mailboxId = await seedMailbox(api, fixture);
  const campaign = await api.request<Created>('POST', base, {
    token,
    body: { name: `Campaign ${Math.random().toString(36).slice(2, 8)}`, mailboxId },
  });
  if (campaign.status !== 201) throw new Error(`create campaign: ${campaign.text}`);
  const step = await api.request<Created>('POST', `${base}/${campaign.body.id}/steps`, {
    token,
    body: {
      subjectTemplate: 'Une idée pour {{ company.name }}',
      bodyTemplate: 'Bonjour {{ person.first_name }},\n\n{{ sender.name }}',
    },
  });
  if (step.status !== 201) throw new Error(`create step: ${step.text}`);
  const path = `${base}/${campaign.body.id}`;
  const actions = {
    draft: [],
    active: ['activate'],
    paused: ['activate', 'pause'],
    completed: ['activate', 'complete'],
  }[state];
  for (const action of actions) {
    const response = await api.request('POST', `${path}/${action}`, { token });
    if (response.status !== 200) throw new Error(`${action}: ${response.text}`);
  }
  return { campaignId: campaign.body.id, stepId: step.body.id, mailboxId };
}
