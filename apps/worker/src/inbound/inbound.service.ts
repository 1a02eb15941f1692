import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  normaliseSuppressionValue,
  type InboundMailbox,
  type OrganisationId,
  type OutboundMatch,
  type Repositories,
} from '@outreach/db';
import type { InboundMessageResult } from '@outreach/jobs';
import { TenantDatabase } from '@outreach/tenancy';
import { GenerationError } from '../llm/generation.error.js';
import {
  REFINABLE_CLASSES,
  ReplyRefiner,
  type RefinableClass,
  type RefinedClass,
  type ReplyPrompt,
} from '../llm/reply-refiner.js';
import { classifyInbound, type Classification } from './inbound-classifier.js';
import { pauseEnd, plannedAction, SOFT_BOUNCE_LIMIT, threadSubject } from './inbound-decision.js';
import { parseInbound, UnreadableMessageError, type InboundMessage } from './inbound-message.js';
import { extractReturnDate } from './return-date.js';

const DEFAULT_ZONE = 'Europe/Paris';
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** What the organisation's LLM prompt made of a message the rules classified from words. */
type Refinement =
  | { kind: 'refined'; prompt: ReplyPrompt; refined: RefinedClass }
  | { kind: 'failed'; prompt: ReplyPrompt; reason: string };

/**
 * The one pipeline of an inbound message, fetched by IMAP or pushed to the api: parse, match to
 * our outbound message, classify, store, act — the store and every action in one tenant
 * transaction (nothing half-written). Runs inside the mailbox's tenant context.
 *
 * Matching: In-Reply-To, then References (newest first), then a DSN's original Message-ID, to
 * an outbound message of this organisation; otherwise a DSN's failed recipient, or the sender
 * and the thread subject (Re:/TR:/Fwd: stripped), among the campaigns using this mailbox. Our
 * own messages (a Message-ID of ours, or From the mailbox itself) and duplicates (a Message-ID
 * already stored) are ignored. A message that matches nothing is stored and recorded, and
 * changes nothing: a reply to another organisation's message never finds it (row-level
 * security), so it touches nothing of theirs.
 *
 * Refinement: when the organisation has a `reply_classification` prompt and the worker an LLM,
 * a message the rules classified from words (not from a delivery report or an automatic-reply
 * header) is shown to the LLM with that prompt, before the transaction (no transaction waits on
 * an HTTP call); its class (one of the four decided from words) replaces the rules' one, with
 * both reasons recorded. An LLM that fails or answers nonsense leaves the rules' class, and the
 * reason says so: a reply is never held back by the LLM.
 */
@Injectable()
export class InboundService {
  private readonly log = new Logger(InboundService.name);

  constructor(
    private readonly tenants: TenantDatabase,
    @Inject(ReplyRefiner) private readonly refiner: ReplyRefiner,
  ) {}

  async process(mailboxId: string, raw: Buffer, receivedAt: Date): Promise<InboundMessageResult> {
    let message: InboundMessage;
    try {
      message = await parseInbound(raw);
    } catch (error) {
      if (!(error instanceof UnreadableMessageError)) throw error;
      return this.skipped(mailboxId, error.message);
    }
    if (!message.fromEmail || !EMAIL.test(message.fromEmail) || message.fromEmail.length > 254) {
      return this.skipped(
        mailboxId,
        `no usable sender address (From: ${message.fromEmail ?? 'none'})`,
      );
    }
    const refinement = await this.refine(message);
    return this.tenants.transaction(({ repositories, organisationId }) =>
      this.store(repositories, organisationId, mailboxId, message, receivedAt, refinement),
    );
  }

  /** The LLM's view of a message classified from words, when the organisation asks for one. */
  private async refine(message: InboundMessage): Promise<Refinement | null> {
    if (!this.refiner.configured) return null;
    const rules = classifyInbound(message);
    if (rules.evidence !== 'words' || !isRefinable(rules.inboundClass)) return null;
    const prompt = await this.tenants.transaction(async ({ repositories, organisationId }) => {
      if (message.messageId) {
        const known = await repositories.inboundMail.knownMessageId(
          organisationId,
          message.messageId,
        );
        if (known) return null; // ours or a duplicate: ignored by store(), no call needed
      }
      return repositories.promptVersions.latestForPurpose(organisationId, 'reply_classification');
    });
    if (!prompt) return null;
    const used: ReplyPrompt = {
      name: prompt.name,
      version: prompt.version,
      content: prompt.content,
      model: prompt.model,
    };
    try {
      const refined = await this.refiner.refine(used, {
        subject: message.subject,
        fromEmail: message.fromEmail ?? '',
        replyText: message.replyText || message.text,
        rules: { inboundClass: rules.inboundClass, reason: rules.reason },
      });
      return { kind: 'refined', prompt: used, refined };
    } catch (error) {
      if (!(error instanceof GenerationError)) throw error;
      this.log.warn(
        `reply classification by LLM failed, the rules' class stands: ${error.message}`,
      );
      return { kind: 'failed', prompt: used, reason: error.message };
    }
  }

  private async store(
    repos: Repositories,
    org: OrganisationId,
    mailboxId: string,
    message: InboundMessage,
    receivedAt: Date,
    refinement: Refinement | null,
  ): Promise<InboundMessageResult> {
    const mailbox = await repos.inboundMail.mailbox(org, mailboxId);
    if (!mailbox) return this.skipped(mailboxId, 'the mailbox no longer exists');
    if (
      message.fromEmail?.toLowerCase() === mailbox.emailAddress.toLowerCase() &&
      !message.delivery
    ) {
      return ignored('own', 'sent by the mailbox itself');
    }
    if (message.messageId) {
      const known = await repos.inboundMail.knownMessageId(org, message.messageId);
      if (known === 'outbound')
        return ignored('own', `${message.messageId} is one of our messages`);
      if (known === 'inbound')
        return ignored('duplicate', `${message.messageId} is already stored`);
    }
    const matched = await this.match(repos, org, mailbox, message);
    const enrollment = matched?.enrollmentId
      ? await repos.inboundMail.enrollment(org, matched.enrollmentId)
      : null;
    const zone = enrollment?.timezone ?? DEFAULT_ZONE;
    const classification = refined(message, classifyInbound(message, zone), refinement, zone);
    const reason = [classification.reason, ...message.warnings].join('; ').slice(0, 2_000);
    const rowId = await repos.inboundMail.insertInbound(org, {
      mailboxId,
      enrollmentId: matched?.enrollmentId ?? null,
      positionId: matched?.positionId ?? null,
      repliedToMessageId: matched?.id ?? null,
      fromEmail: message.fromEmail ?? '',
      fromName: message.fromName,
      toEmail: mailbox.emailAddress,
      subject: message.subject,
      bodyText: message.text || null,
      bodyHtml: message.html,
      messageId: message.messageId,
      inReplyTo: message.inReplyTo,
      referencesHeader: message.referencesHeader?.slice(0, 20_000) ?? null,
      replyText: message.replyText || null,
      inboundClass: classification.inboundClass,
      classificationReason: reason,
      returnsOn: classification.returnsOn,
      receivedAt: message.date && message.date < receivedAt ? message.date : receivedAt,
    });
    if (!rowId) return ignored('duplicate', `${message.messageId ?? '?'} is already stored`);
    const actions = await this.act(repos, org, rowId, message, classification, matched, enrollment);
    return {
      outcome: 'stored',
      messageRowId: rowId,
      inboundClass: classification.inboundClass,
      actions,
      reason,
    };
  }

  private async match(
    repos: Repositories,
    org: OrganisationId,
    mailbox: InboundMailbox,
    message: InboundMessage,
  ): Promise<OutboundMatch | null> {
    const ids = [
      ...(message.delivery?.originalMessageId ? [message.delivery.originalMessageId] : []),
      ...(message.inReplyTo ? [message.inReplyTo] : []),
      ...[...message.references].reverse(),
    ];
    const byId = await repos.inboundMail.matchByMessageIds(org, [...new Set(ids)]);
    if (byId) return byId;
    if (message.delivery?.recipient) {
      return repos.inboundMail.matchByAddress(org, mailbox.id, message.delivery.recipient);
    }
    const subject = threadSubject(message.subject);
    if (!message.fromEmail || !subject) return null;
    return repos.inboundMail.matchBySender(org, mailbox.id, message.fromEmail, subject);
  }

  private async act(
    repos: Repositories,
    org: OrganisationId,
    rowId: string,
    message: InboundMessage,
    classification: Classification,
    matched: OutboundMatch | null,
    enrollment: Awaited<ReturnType<Repositories['inboundMail']['enrollment']>>,
  ): Promise<string[]> {
    const actions: string[] = [];
    const record = async (reason: string, enrollmentId: string | null): Promise<void> => {
      await repos.inboundMail.recordAction(org, {
        messageId: rowId,
        enrollmentId,
        action: 'recorded',
        reason,
      });
      actions.push(`recorded: ${reason}`);
    };
    const exit = async (
      enrollmentId: string,
      exitReason: 'replied' | 'bounced' | 'unsubscribed',
      why: string,
    ): Promise<boolean> => {
      const exited = await repos.enrollmentExits.exit(org, {
        enrollmentId,
        reason: exitReason,
        messageId: rowId,
      });
      if (exited) {
        await repos.inboundMail.recordAction(org, {
          messageId: rowId,
          enrollmentId,
          action: 'exited',
          reason: why,
          exitReason,
        });
        actions.push(`exited ${enrollmentId} (${exitReason})`);
      }
      return exited;
    };
    const plan = plannedAction(classification);
    if (!matched) {
      await record(`not matched to a message of ours: ${classification.reason}`, null);
      return actions;
    }
    const enrollmentId = enrollment?.id ?? null;
    const running = enrollment?.status === 'active' || enrollment?.status === 'paused';

    switch (plan.kind) {
      case 'record':
        await record(classification.reason, enrollmentId);
        return actions;
      case 'exit-replied': {
        if (!enrollment || !running) {
          await record(
            `a reply; the enrollment is ${enrollment?.status ?? 'unknown'}: nothing to stop`,
            enrollmentId,
          );
          return actions;
        }
        if (enrollment.currentStepId === null) {
          await record('a reply; no step remains: nothing to stop', enrollment.id);
          return actions;
        }
        if (enrollment.currentStepExitsOnReply !== true) {
          await record(
            'a reply; the next step does not exit on reply: the sequence goes on',
            enrollment.id,
          );
          return actions;
        }
        await exit(enrollment.id, 'replied', 'a person replied; the next step exits on reply');
        if (enrollment.exitCompanyOnReply) {
          for (const colleague of await repos.inboundMail.colleagues(org, enrollment.id)) {
            await exit(
              colleague,
              'replied',
              `a colleague replied (enrollment ${enrollment.id}); the campaign exits the whole company`,
            );
          }
        }
        return actions;
      }
      case 'pause': {
        const until = pauseEnd(plan.returnsOn, enrollment?.timezone ?? DEFAULT_ZONE);
        if (!enrollment || !running) {
          await record(
            `out of office until ${plan.returnsOn}; the enrollment is not running`,
            enrollmentId,
          );
          return actions;
        }
        if (until.getTime() <= Date.now()) {
          await record(`out of office until ${plan.returnsOn}, already past`, enrollment.id);
          return actions;
        }
        if (await repos.inboundMail.pause(org, enrollment.id, until, rowId)) {
          await repos.inboundMail.recordAction(org, {
            messageId: rowId,
            enrollmentId: enrollment.id,
            action: 'paused',
            reason: `out of office, back on ${plan.returnsOn}: paused until the day after`,
            pausedUntil: until,
          });
          actions.push(`paused until ${until.toISOString()}`);
        } else {
          await record(
            `out of office until ${plan.returnsOn}; paused by hand: left so`,
            enrollment.id,
          );
        }
        return actions;
      }
      case 'soft-bounce': {
        const address = message.delivery?.recipient ?? matched.toEmail;
        const bounces = await repos.inboundMail.softBouncesInLastFive(org, address);
        if (bounces < SOFT_BOUNCE_LIMIT) {
          await record(
            `soft bounce ${String(bounces)} of ${String(SOFT_BOUNCE_LIMIT)} within the last five sends to ${address}`,
            enrollmentId,
          );
          return actions;
        }
        await this.suppressAndExit(
          repos,
          org,
          rowId,
          matched,
          enrollmentId,
          address,
          'bounced',
          `${String(bounces)} soft bounces within the last five sends to ${address}`,
          actions,
          exit,
        );
        return actions;
      }
      case 'suppress-exit': {
        const address =
          plan.exitReason === 'bounced'
            ? (message.delivery?.recipient ?? matched.toEmail)
            : matched.toEmail;
        await this.suppressAndExit(
          repos,
          org,
          rowId,
          matched,
          enrollmentId,
          address,
          plan.exitReason,
          classification.reason,
          actions,
          exit,
        );
        return actions;
      }
    }
  }

  private async suppressAndExit(
    repos: Repositories,
    org: OrganisationId,
    rowId: string,
    matched: OutboundMatch,
    enrollmentId: string | null,
    address: string,
    exitReason: 'bounced' | 'unsubscribed',
    why: string,
    actions: string[],
    exit: (id: string, reason: 'bounced' | 'unsubscribed', why: string) => Promise<boolean>,
  ): Promise<void> {
    if (exitReason === 'bounced' && (await repos.inboundMail.markBounced(org, matched.id, why))) {
      await repos.inboundMail.recordAction(org, {
        messageId: rowId,
        enrollmentId,
        action: 'bounced',
        reason: `message ${matched.id} bounced: ${why}`,
      });
      actions.push(`bounced ${matched.id}`);
    }
    const normalised = normaliseSuppressionValue('email', address);
    if (!normalised.ok) {
      await repos.inboundMail.recordAction(org, {
        messageId: rowId,
        enrollmentId,
        action: 'recorded',
        reason: `cannot suppress ${JSON.stringify(address.slice(0, 100))}: ${normalised.reason}`,
      });
      actions.push(`recorded: ${address} cannot be suppressed`);
      if (enrollmentId) await exit(enrollmentId, exitReason, why);
      return;
    }
    const value = normalised.value;
    const reason = exitReason === 'bounced' ? 'hard_bounce' : 'unsubscribed';
    const suppression =
      (await repos.suppressionList.add(org, {
        kind: 'email',
        value,
        reason,
        sourceMessageId: rowId,
      })) ?? (await repos.suppressionList.findByValue(org, 'email', value));
    await repos.inboundMail.recordAction(org, {
      messageId: rowId,
      enrollmentId,
      action: 'suppressed',
      reason: `${value} suppressed (${reason}): ${why}`,
      suppressionId: suppression?.id ?? null,
    });
    actions.push(`suppressed ${value}`);
    if (enrollmentId) await exit(enrollmentId, exitReason, why);
  }

  private skipped(mailboxId: string, reason: string): InboundMessageResult {
    this.log.warn(`inbound message for mailbox ${mailboxId} skipped: ${reason}`);
    return { outcome: 'skipped', messageRowId: null, inboundClass: null, actions: [], reason };
  }
}

function ignored(outcome: 'own' | 'duplicate', reason: string): InboundMessageResult {
  return { outcome, messageRowId: null, inboundClass: null, actions: [], reason };
}

function isRefinable(cls: string): cls is RefinableClass {
  return (REFINABLE_CLASSES as readonly string[]).includes(cls);
}

/** The rules' classification, replaced or annotated by what the LLM said of it. */
function refined(
  message: InboundMessage,
  rules: Classification,
  refinement: Refinement | null,
  zone: string,
): Classification {
  if (!refinement) return rules;
  const prompt = `prompt ${refinement.prompt.name} v${String(refinement.prompt.version)}`;
  if (refinement.kind === 'failed') {
    return { ...rules, reason: `${rules.reason}; LLM (${prompt}) not used: ${refinement.reason}` };
  }
  const { inboundClass, reason, model } = refinement.refined;
  if (inboundClass === rules.inboundClass) {
    return {
      ...rules,
      reason: `${rules.reason}; confirmed by LLM (${prompt}, ${model}): ${reason}`,
    };
  }
  const returnsOn =
    inboundClass === 'out_of_office'
      ? extractReturnDate(
          `${message.subject ?? ''}\n${message.text}`,
          message.date ?? new Date(),
          zone,
        )
      : null;
  return {
    inboundClass,
    reason: `LLM (${prompt}, ${model}): ${reason}${returnsOn ? `, back on ${returnsOn}` : ''} (the rules said ${rules.inboundClass}: ${rules.reason})`,
    returnsOn,
    evidence: 'words',
  };
}
