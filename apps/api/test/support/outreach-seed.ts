import {
  asOrganisationId,
  createRepositories,
  CursorCodec,
  runInTenantTransaction,
  type Repositories,
} from '@outreach/db';
import type { ApiHarness } from './api-harness.js';

const codec = new CursorCodec('outreach-seed-cursor-secret-for-tests');
let sequence = 0;

/** Runs `work` with the repositories of one tenant transaction of `organisationId` (seeding). */
export function seed<T>(
  api: ApiHarness,
  organisationId: string,
  work: (repos: Repositories, org: ReturnType<typeof asOrganisationId>) => Promise<T>,
): Promise<T> {
  const org = asOrganisationId(organisationId);
  return runInTenantTransaction(api.seeding, org, (manager) =>
    work(createRepositories(manager, codec), org),
  );
}

export interface SeededCampaign {
  campaignId: string;
  stepId: string | null;
}

/** A campaign (draft unless told) with `steps` steps (first delay `delayDays`). */
export function seedCampaign(
  api: ApiHarness,
  organisationId: string,
  options: {
    status?: 'draft' | 'active' | 'paused' | 'completed' | 'archived';
    steps?: number;
    delayDays?: number;
  } = {},
): Promise<SeededCampaign> {
  return seed(api, organisationId, async (repos, org) => {
    sequence += 1;
    const campaign = await repos.campaigns.create(org, {
      name: `Campaign ${sequence}`,
      status: options.status ?? 'draft',
    });
    let stepId: string | null = null;
    for (let order = options.steps ?? 1; order >= 1; order -= 1) {
      const step = await repos.workflowSteps.create(org, {
        campaignId: campaign.id,
        stepOrder: order,
        delayDays: order === 1 ? (options.delayDays ?? 0) : 3,
        subjectTemplate: 'Bonjour {{ person.first_name }}',
        bodyTemplate: 'Hello',
      });
      if (order === 1) stepId = step.id;
    }
    return { campaignId: campaign.id, stepId };
  });
}

export interface PositionOptions {
  email?: string | null;
  emailStatus?: 'valid' | 'risky' | 'invalid' | 'catch_all' | 'unknown';
  status?: 'active' | 'former' | 'unsubscribed' | 'bounced' | 'do_not_contact';
  pharowListName?: string;
  company?: { nafCode?: string; city?: string; postalCode?: string };
}

/** A company, a person and their position (valid e-mail unless told). */
export function seedPosition(
  api: ApiHarness,
  organisationId: string,
  options: PositionOptions = {},
): Promise<string> {
  return seed(api, organisationId, async (repos, org) => {
    sequence += 1;
    const company = await repos.companies.create(org, {
      name: `Company ${sequence}`,
      nafCode: options.company?.nafCode ?? '70.22Z',
      city: options.company?.city ?? 'Lyon',
      postalCode: options.company?.postalCode ?? '69002',
    });
    const person = await repos.people.create(org, { lastName: `Person ${sequence}` });
    const position = await repos.positions.create(org, {
      personId: person.id,
      companyId: company.id,
      email: options.email === undefined ? `p${sequence}@seed${sequence}.fr` : options.email,
      emailStatus: options.emailStatus ?? 'valid',
      status: options.status ?? 'active',
      pharowListName: options.pharowListName ?? null,
    });
    return position.id;
  });
}

/** An enrollment (with its first task) of a new position in the campaign. */
export function seedEnrollment(
  api: ApiHarness,
  organisationId: string,
  campaign: SeededCampaign,
  status: 'active' | 'paused' = 'active',
): Promise<{ enrollmentId: string; taskId: string; positionId: string }> {
  return seedPosition(api, organisationId).then((positionId) =>
    seed(api, organisationId, async (repos, org) => {
      if (!campaign.stepId) throw new Error('seedEnrollment needs a campaign with a step');
      const enrollment = await repos.campaignEnrollments.create(org, {
        campaignId: campaign.campaignId,
        positionId,
        status,
        currentStepId: campaign.stepId,
      });
      const task = await repos.tasks.create(org, {
        campaignId: campaign.campaignId,
        enrollmentId: enrollment.id,
        stepId: campaign.stepId,
        dueAt: new Date(),
      });
      return { enrollmentId: enrollment.id, taskId: task.id, positionId };
    }),
  );
}

/** An outbound sent message of the enrollment's task, with bodies (inbound: a human reply). */
export function seedMessage(
  api: ApiHarness,
  organisationId: string,
  enrollment: { enrollmentId: string; taskId: string; positionId: string },
  options: { direction?: 'outbound' | 'inbound' } = {},
): Promise<string> {
  return seed(api, organisationId, async (repos, org) => {
    sequence += 1;
    const inbound = options.direction === 'inbound';
    const message = await repos.messages.create(org, {
      direction: inbound ? 'inbound' : 'outbound',
      status: inbound ? 'received' : 'sent',
      enrollmentId: enrollment.enrollmentId,
      taskId: inbound ? null : enrollment.taskId,
      positionId: enrollment.positionId,
      fromEmail: inbound ? 'prospect@seed.fr' : 'sales@seller.fr',
      toEmail: inbound ? 'sales@seller.fr' : 'prospect@seed.fr',
      subject: `Subject ${sequence}`,
      bodyText: `Body text ${sequence}`,
      bodyHtml: `<p>Body ${sequence}</p>`,
      messageId: `<m${sequence}.${Date.now()}@seller.fr>`,
      sentAt: inbound ? null : new Date(),
      receivedAt: inbound ? new Date() : null,
      inboundClass: inbound ? 'human_reply' : null,
    });
    return message.id;
  });
}
