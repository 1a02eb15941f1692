import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Company } from '../crm/company.entity.js';
import type { Person } from '../crm/person.entity.js';
import type { Position } from '../crm/position.entity.js';
import type { Organisation } from '../iam/organisation.entity.js';
import type { OrganisationUser } from '../iam/organisation-user.entity.js';
import type { User } from '../iam/user.entity.js';
import { asOrganisationId, type OrganisationId } from '../organisation-id.js';
import type { Campaign } from '../outreach/campaign.entity.js';
import type { CampaignEnrollment } from '../outreach/campaign-enrollment.entity.js';
import type { EnrollmentStepVariantAssignment } from '../outreach/enrollment-step-variant-assignment.entity.js';
import type { Message } from '../outreach/message.entity.js';
import type { Prompt } from '../outreach/prompt.entity.js';
import type { StepExperiment } from '../outreach/step-experiment.entity.js';
import type { StepExperimentVariant } from '../outreach/step-experiment-variant.entity.js';
import type { Task } from '../outreach/task.entity.js';
import type { WorkflowStep } from '../outreach/workflow-step.entity.js';
import { CursorCodec } from '../repositories/cursor.codec.js';
import { createRepositories, type Repositories } from '../repositories/repositories.factory.js';
import { runInTenantTransaction } from '../tenant-transaction.js';
import type { MessageOpenStats } from '../tracking/message-open-stats.entity.js';
import type { Pixel } from '../tracking/pixel.entity.js';

export { seedBulkProspects } from './bulk-prospects.js';
export type { BulkProspectsOptions } from './bulk-prospects.js';
export { seedCampaignActivity } from './campaign-activity.js';
export type { CampaignActivity, CampaignActivityOptions } from './campaign-activity.js';

/** One organisation with one row in every table, all linked (company → … → open stats). */
export interface OrganisationFixture {
  organisationId: OrganisationId;
  organisation: Organisation;
  owner: User;
  membership: OrganisationUser;
  company: Company;
  person: Person;
  position: Position;
  campaign: Campaign;
  prompt: Prompt;
  step: WorkflowStep;
  experiment: StepExperiment;
  variant: StepExperimentVariant;
  enrollment: CampaignEnrollment;
  assignment: EnrollmentStepVariantAssignment;
  task: Task;
  message: Message;
  pixel: Pixel;
  openStats: MessageOpenStats;
}

/** Organisations A and B, same shape, nothing shared: the tenancy tests' starting point. */
export interface TwoOrganisationFixture {
  a: OrganisationFixture;
  b: OrganisationFixture;
}

/** Only for fixtures: cursors are not used while seeding. */
export const FIXTURE_CURSOR_SECRET = 'fixture-cursor-secret-not-for-production';

/** A valid SIREN (9 digits, Luhn) derived from any number: unique per input below 10^8. */
export function validSiren(seed: number): string {
  const body = String(Math.abs(Math.trunc(seed)) % 100_000_000).padStart(8, '0');
  for (let check = 0; check <= 9; check += 1) {
    const candidate = `${body}${check}`;
    let sum = 0;
    for (let i = 0; i < 9; i += 1) {
      const digit = Number(candidate[i]);
      const doubled = i % 2 === 1 ? digit * 2 : digit;
      sum += doubled > 9 ? doubled - 9 : doubled;
    }
    if (sum % 10 === 0) return candidate;
  }
  throw new Error('unreachable: one check digit always fits');
}

let sequence = 0;
/** A short unique suffix for names and e-mails within a test run. */
export function uniqueSuffix(): string {
  sequence += 1;
  return `${process.pid.toString(36)}${Date.now().toString(36)}${sequence.toString(36)}`;
}

/** Fills one new organisation through the repositories, in one tenant transaction. */
export async function seedOrganisation(
  dataSource: DataSource,
  options: { name?: string } = {},
): Promise<OrganisationFixture> {
  const organisationId = asOrganisationId(randomUUID());
  const suffix = uniqueSuffix();
  return runInTenantTransaction(dataSource, organisationId, async (manager) => {
    const repos: Repositories = createRepositories(manager, new CursorCodec(FIXTURE_CURSOR_SECRET));
    const organisation = await repos.organisations.create(organisationId, {
      name: options.name ?? `Acme ${suffix}`,
    });
    const owner = await repos.users.create({
      email: `owner-${suffix}@example.com`,
      firstName: 'Odile',
      lastName: 'Owner',
    });
    const membership = await repos.organisationUsers.create(organisationId, {
      userId: owner.id,
      role: 'owner',
      status: 'active',
    });
    const company = await repos.companies.create(organisationId, {
      name: `Société ${suffix}`,
      websiteUrl: `https://${suffix}.example.fr`,
      domain: `${suffix}.example.fr`,
      siren: validSiren(sequence),
      nafCode: '62.01Z',
      employeeRange: '10-19',
      postalCode: '75002',
      city: 'Paris',
    });
    const person = await repos.people.create(organisationId, {
      firstName: 'Camille',
      lastName: 'Durand',
      timezone: 'Europe/Paris',
    });
    const position = await repos.positions.create(organisationId, {
      personId: person.id,
      companyId: company.id,
      title: 'Directrice commerciale',
      email: `camille.durand@${suffix}.example.fr`,
      emailStatus: 'valid',
      emailReliability: 90,
    });
    const campaign = await repos.campaigns.create(organisationId, { name: `Rentrée ${suffix}` });
    const prompt = await repos.prompts.create(organisationId, {
      name: 'first-touch',
      purpose: 'email_body',
      content: 'Write a short first e-mail to {{first_name}}.',
    });
    const step = await repos.workflowSteps.create(organisationId, {
      campaignId: campaign.id,
      stepOrder: 1,
      subjectTemplate: 'Bonjour {{first_name}}',
      promptId: prompt.id,
    });
    const experiment = await repos.stepExperiments.create(organisationId, {
      stepId: step.id,
      name: 'Subject line',
    });
    const variant = await repos.stepExperimentVariants.create(organisationId, {
      experimentId: experiment.id,
      key: 'A',
      subjectTemplate: 'Une question, {{first_name}}',
    });
    const enrollment = await repos.campaignEnrollments.create(organisationId, {
      campaignId: campaign.id,
      positionId: position.id,
      currentStepId: step.id,
    });
    const assignment = await repos.enrollmentStepVariantAssignments.create(organisationId, {
      enrollmentId: enrollment.id,
      experimentId: experiment.id,
      variantId: variant.id,
    });
    const task = await repos.tasks.create(organisationId, {
      campaignId: campaign.id,
      enrollmentId: enrollment.id,
      stepId: step.id,
      dueAt: new Date(),
    });
    const message = await repos.messages.create(organisationId, {
      direction: 'outbound',
      status: 'queued',
      enrollmentId: enrollment.id,
      taskId: task.id,
      positionId: position.id,
      stepExperimentId: experiment.id,
      variantId: variant.id,
      fromEmail: `sales@${suffix}.example.com`,
      toEmail: `camille.durand@${suffix}.example.fr`,
      subject: 'Une question, Camille',
      bodyText: 'Bonjour Camille, …',
    });
    const pixel = await repos.pixels.create(organisationId, { messageId: message.id });
    const openStats = await repos.messageOpenStats.create(organisationId, {
      messageId: message.id,
    });
    return {
      organisationId,
      organisation,
      owner,
      membership,
      company,
      person,
      position,
      campaign,
      prompt,
      step,
      experiment,
      variant,
      enrollment,
      assignment,
      task,
      message,
      pixel,
      openStats,
    };
  });
}

/**
 * Makes the user with this e-mail (created when new) a member of the organisation, for tests
 * that need more callers than the fixture's owner. Returns the user's id.
 */
export async function addMember(
  dataSource: DataSource,
  organisationId: OrganisationId,
  member: {
    email: string;
    role: OrganisationUser['role'];
    status?: OrganisationUser['status'];
  },
): Promise<string> {
  return runInTenantTransaction(dataSource, organisationId, async (manager) => {
    const repos = createRepositories(manager, new CursorCodec(FIXTURE_CURSOR_SECRET));
    const user = await repos.users.findOrCreate({ email: member.email });
    await repos.organisationUsers.create(organisationId, {
      userId: user.id,
      role: member.role,
      status: member.status ?? 'active',
    });
    return user.id;
  });
}

/** Two organisations, A and B, each with a row in every table. */
export async function seedTwoOrganisations(
  dataSource: DataSource,
): Promise<TwoOrganisationFixture> {
  const a = await seedOrganisation(dataSource, { name: `Organisation A ${uniqueSuffix()}` });
  const b = await seedOrganisation(dataSource, { name: `Organisation B ${uniqueSuffix()}` });
  return { a, b };
}
