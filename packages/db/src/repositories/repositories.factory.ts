import type { EntityManager } from 'typeorm';
import { Company } from '../crm/company.entity.js';
import { Person } from '../crm/person.entity.js';
import { Position } from '../crm/position.entity.js';
import { Mailbox } from '../delivery/mailbox.entity.js';
import { Suppression } from '../delivery/suppression.entity.js';
import { OrganisationUser } from '../iam/organisation-user.entity.js';
import { Campaign } from '../outreach/campaign.entity.js';
import { CampaignEnrollment } from '../outreach/campaign-enrollment.entity.js';
import { EnrollmentStepVariantAssignment } from '../outreach/enrollment-step-variant-assignment.entity.js';
import { Message } from '../outreach/message.entity.js';
import { Prompt } from '../outreach/prompt.entity.js';
import { StepExperiment } from '../outreach/step-experiment.entity.js';
import { StepExperimentVariant } from '../outreach/step-experiment-variant.entity.js';
import { Task } from '../outreach/task.entity.js';
import { WorkflowStep } from '../outreach/workflow-step.entity.js';
import { MessageOpenStats } from '../tracking/message-open-stats.entity.js';
import { Pixel } from '../tracking/pixel.entity.js';
import { Import } from '../imports/import.entity.js';
import type { CursorCodec } from './cursor.codec.js';
import { CampaignLifecycleRepository } from './campaign-lifecycle.repository.js';
import { CampaignMessageRepository } from './campaign-message.repository.js';
import { CampaignStatsRepository } from './campaign-stats.repository.js';
import { DiagnosticsRepository } from './diagnostics.repository.js';
import { ImportRepository } from './import.repository.js';
import { InboundMailRepository } from './inbound-mail.repository.js';
import { PersonErasureRepository } from './person-erasure.repository.js';
import { EnrollmentExitRepository } from './enrollment-exit.js';
import { EnrollmentRepository } from './enrollment.repository.js';
import { ExperimentRepository } from './experiment.repository.js';
import { MembershipRepository } from './membership.repository.js';
import { OrganisationRepository } from './organisation.repository.js';
import { OpenStatsRepository } from './open-stats.repository.js';
import { OrganisationScopedRepository as Scoped } from './organisation-scoped.repository.js';
import { PromptRepository } from './prompt.repository.js';
import { ProspectMergeRepository } from './prospect-merge.repository.js';
import { SendTaskRepository } from './send-task.repository.js';
import { SuppressionRepository } from './suppression.repository.js';
import { UserRepository } from './user.repository.js';
import { WorkflowStepRepository } from './workflow-step.repository.js';

/** Sort by creation, backed by the (organisation_id, created_at, id) indexes. */
const BY_CREATION = { createdAt: ['createdAt'], id: [] } as const;
/** Sort by id only: the (organisation_id, id) primary key. */
const BY_ID = { id: [] } as const;

/**
 * Every repository bound to one EntityManager, normally the tenant transaction's
 * (runInTenantTransaction). Created once per transaction scope and LAZILY: a repository is
 * built the first time it is read (a request that lists companies builds one, not all of
 * them), then reused for the rest of the scope. Sorts listed here are each backed by an
 * organisation-first index; filters are equality filters on indexed columns.
 */
export function createRepositories(manager: EntityManager, cursors: CursorCodec) {
  return lazily(repositoryFactories(manager, cursors));
}

function repositoryFactories(manager: EntityManager, cursors: CursorCodec) {
  return {
    organisations: () => new OrganisationRepository(manager),
    users: () => new UserRepository(manager),
    memberships: () => new MembershipRepository(manager),
    diagnostics: () => new DiagnosticsRepository(manager),
    importJobs: () => new ImportRepository(manager),
    prospectMerge: () => new ProspectMergeRepository(manager),
    personErasure: () => new PersonErasureRepository(manager),
    suppressionList: () => new SuppressionRepository(manager),
    enrollments: () => new EnrollmentRepository(manager),
    enrollmentExits: () => new EnrollmentExitRepository(manager),
    openStats: () => new OpenStatsRepository(manager),
    campaignStats: () => new CampaignStatsRepository(manager),
    sendTasks: () => new SendTaskRepository(manager),
    inboundMail: () => new InboundMailRepository(manager),
    campaignMessages: () => new CampaignMessageRepository(manager, cursors),
    campaignLifecycle: () => new CampaignLifecycleRepository(manager),
    steps: () => new WorkflowStepRepository(manager, cursors),
    experiments: () => new ExperimentRepository(manager, cursors),
    promptVersions: () => new PromptRepository(manager),
    organisationUsers: () =>
      new Scoped(manager, cursors, {
        entity: OrganisationUser,
        key: 'userId',
        sorts: { userId: [] },
        defaultSort: 'userId',
        filters: ['role', 'status'],
      }),
    companies: () =>
      new Scoped(manager, cursors, {
        entity: Company,
        key: 'id',
        sorts: { ...BY_CREATION, name: ['name'] },
        defaultSort: 'createdAt',
        filters: ['domain', 'siren', 'pharowCompanyId'],
      }),
    people: () =>
      new Scoped(manager, cursors, {
        entity: Person,
        key: 'id',
        sorts: BY_CREATION,
        defaultSort: 'createdAt',
        filters: ['linkedinUrl', 'pharowPersonId'],
      }),
    positions: () =>
      new Scoped(manager, cursors, {
        entity: Position,
        key: 'id',
        sorts: BY_CREATION,
        defaultSort: 'createdAt',
        filters: ['companyId', 'personId', 'email'],
        lowerCaseKeys: { email: 'emailKey' },
      }),
    campaigns: () =>
      new Scoped(manager, cursors, {
        entity: Campaign,
        key: 'id',
        sorts: { ...BY_CREATION, name: ['name'] },
        defaultSort: 'createdAt',
        filters: ['status'],
      }),
    prompts: () =>
      new Scoped(manager, cursors, {
        entity: Prompt,
        key: 'id',
        sorts: BY_CREATION,
        defaultSort: 'createdAt',
        filters: ['name'],
      }),
    workflowSteps: () =>
      new Scoped(manager, cursors, {
        entity: WorkflowStep,
        key: 'id',
        sorts: BY_ID,
        defaultSort: 'id',
        filters: ['campaignId', 'promptId'],
      }),
    stepExperiments: () =>
      new Scoped(manager, cursors, {
        entity: StepExperiment,
        key: 'id',
        sorts: BY_ID,
        defaultSort: 'id',
        filters: ['stepId'],
      }),
    stepExperimentVariants: () =>
      new Scoped(manager, cursors, {
        entity: StepExperimentVariant,
        key: 'id',
        sorts: BY_ID,
        defaultSort: 'id',
        filters: ['experimentId'],
      }),
    campaignEnrollments: () =>
      new Scoped(manager, cursors, {
        entity: CampaignEnrollment,
        key: 'id',
        sorts: BY_ID,
        defaultSort: 'id',
        filters: ['campaignId', 'positionId', 'status'],
      }),
    enrollmentStepVariantAssignments: () =>
      new Scoped(manager, cursors, {
        entity: EnrollmentStepVariantAssignment,
        key: 'id',
        sorts: BY_ID,
        defaultSort: 'id',
        filters: ['enrollmentId', 'experimentId'],
      }),
    tasks: () =>
      new Scoped(manager, cursors, {
        entity: Task,
        key: 'id',
        sorts: BY_ID,
        defaultSort: 'id',
        filters: ['status', 'campaignId', 'enrollmentId'],
      }),
    messages: () =>
      new Scoped(manager, cursors, {
        entity: Message,
        key: 'id',
        sorts: BY_CREATION,
        defaultSort: 'createdAt',
        filters: ['enrollmentId', 'positionId', 'taskId', 'inReplyTo'],
      }),
    pixels: () =>
      new Scoped(manager, cursors, {
        entity: Pixel,
        key: 'id',
        sorts: BY_ID,
        defaultSort: 'id',
        filters: ['messageId', 'token'],
      }),
    mailboxes: () =>
      new Scoped(manager, cursors, {
        entity: Mailbox,
        key: 'id',
        sorts: { ...BY_CREATION, emailAddress: ['emailAddress'] },
        defaultSort: 'createdAt',
        filters: ['status', 'emailAddress'],
      }),
    suppressions: () =>
      new Scoped(manager, cursors, {
        entity: Suppression,
        key: 'id',
        sorts: BY_CREATION,
        defaultSort: 'createdAt',
        filters: ['kind', 'value', 'reason'],
      }),
    imports: () =>
      new Scoped(manager, cursors, {
        entity: Import,
        key: 'id',
        sorts: BY_CREATION,
        defaultSort: 'createdAt',
        filters: ['status'],
      }),
    messageOpenStats: () =>
      new Scoped(manager, cursors, {
        entity: MessageOpenStats,
        key: 'id',
        sorts: BY_ID,
        defaultSort: 'id',
        filters: ['messageId'],
      }),
  };
}

type Built<F extends Record<string, () => unknown>> = { readonly [K in keyof F]: ReturnType<F[K]> };

/** An object whose properties are built on first read, then kept. */
function lazily<F extends Record<string, () => unknown>>(factories: F): Built<F> {
  const built: Partial<Record<keyof F, unknown>> = {};
  const target = {} as Built<F>;
  for (const key of Object.keys(factories) as (keyof F & string)[]) {
    Object.defineProperty(target, key, {
      enumerable: true,
      get: () => {
        if (!(key in built)) built[key] = factories[key]?.();
        return built[key];
      },
    });
  }
  return Object.freeze(target);
}

export type Repositories = ReturnType<typeof createRepositories>;
