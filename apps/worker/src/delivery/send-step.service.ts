import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  newTrackingToken,
  SendTaskRepository,
  type OrganisationId,
  type Repositories,
  type SendMailbox,
  type SendTaskContext,
} from '@outreach/db';
import type { SendStepResult } from '@outreach/jobs';
import {
  classifySmtpError,
  findInSentFolder,
  MailboxTransports,
  newMessageId,
  type ImapSettings,
  type OutboundMail,
  type SmtpSendError,
  type SmtpSettings,
} from '@outreach/mailer';
import { mailboxSecretAad } from '@outreach/secrets';
import { pickVariant, retryDelayMs, stepDueAt, type SendingWindow } from '@outreach/sequencing';
import { SERVICE_CONFIG } from '@outreach/service-kit/config';
import { buildVariables, type TemplateValues } from '@outreach/templates';
import { TenantDatabase, UnknownOrganisationError } from '@outreach/tenancy';
import type { WorkerConfig } from '../config/worker-config.schema.js';
import { EmailWriter, GenerationError } from '../llm/email-writer.js';
import { mailboxImapSettings } from '../mailbox-imap-settings.js';
import { DeliveryMetrics } from './delivery.metrics.js';
import {
  ContentError,
  contentSource,
  renderContent,
  type ContentSource,
  type Generated,
  type MailContent,
} from './mail-content.js';
import { capsGate, capsLimits, gate, RECHECK_MS, windowOf, type ExitReason } from './send-gate.js';

/** A claimed task, checked and written (status sending), ready for SMTP. */
interface ReadyToSend {
  kind: 'send';
  context: SendTaskContext;
  mailbox: SendMailbox;
  window: SendingWindow;
  messageRowId: string;
  mail: OutboundMail;
}

/** A prompt step whose text the LLM must write before the message can be. */
interface NeedsText {
  kind: 'needs-text';
  prompt: { content: string; model: string | null };
  need: 'both' | 'subject' | 'body';
  values: TemplateValues;
}

type Prepared =
  | ReadyToSend
  | NeedsText
  | { kind: 'done'; result: SendStepResult }
  | { kind: 'reconcile'; context: SendTaskContext };

/** What the prompt purposes write (the others cannot write an e-mail). */
const PROMPT_NEEDS: Record<string, NeedsText['need']> = {
  email: 'both',
  email_subject: 'subject',
  email_body: 'body',
};

/** SMTP commands before the message content: a failure there means nothing was delivered. */
const BEFORE_CONTENT = /^(CONN|EHLO|HELO|LHLO|STARTTLS|AUTH|MAIL FROM|RCPT TO)/i;

/**
 * Whether a failed send may still have reached the server. Not after a reply (the server
 * refused), nor when it failed at a command before the content. nodemailer names every
 * connection that closed unexpectedly `ECONNECTION` at `CONN`, whatever the stage — also a
 * close after the whole message went (the fault test's drop-after-DATA) — so that one counts
 * as possibly delivered: never sent twice. (Drops before the greeting are retried by the pool
 * and end without a command.)
 */
function mayHaveDelivered(error: SmtpSendError): boolean {
  if (error.responseCode !== null) return false;
  const cause: unknown = error.cause;
  const code = typeof cause === 'object' && cause !== null && 'code' in cause ? cause.code : null;
  if (error.command === 'CONN' && code === 'ECONNECTION') return true;
  return !BEFORE_CONTENT.test(error.command ?? '');
}

/**
 * Sends left before a cap above which the unlocked count is trusted: more sends of one mailbox
 * than this in flight at once (uncommitted) could overshoot a cap; every process runs at most
 * DELIVERY_CONCURRENCY (≤ 200) sends, so five workers on one mailbox stay within it.
 */
export const UNLOCKED_HEADROOM = 1_000;

/** The counter row (0-15) a task's send is counted in: the task id's last hex digit. */
function shardOf(taskId: string): number {
  return Number.parseInt(taskId.slice(-1), 16) || 0;
}

/** Attempts to record a send that went out, over about a minute (PostgreSQL restarting). */
const RECORD_ATTEMPTS = 8;

/**
 * Sends one claimed task (the `send-step` job, inside the task's tenant context):
 * 1. re-reads the task and everything it depends on, and gates it (send-gate.ts): cancelled,
 *    skipped with the enrollment's exit, or deferred without using an attempt;
 * 2. assigns the A/B variant once (stable hash, stored), renders the templates or has the LLM
 *    write a prompt step, and — under the mailbox's lock, within its caps and spacing — writes
 *    the message (status sending, a fresh Message-ID) and its pixel, committed before SMTP;
 * 3. sends it through the mailbox's pooled transport, then records `sent`, completes the task
 *    and schedules the next step in the sending window; or handles the failure: bounce
 *    (suppressed, exited), authentication (mailbox in error, sends wait), transient (retry with
 *    backoff), or uncertain (never re-sent blindly: the Sent folder decides, else `uncertain`).
 */
@Injectable()
export class SendStepService {
  private readonly log = new Logger(SendStepService.name);

  constructor(
    private readonly tenants: TenantDatabase,
    private readonly transports: MailboxTransports,
    private readonly writer: EmailWriter,
    private readonly metrics: DeliveryMetrics,
    @Inject(SERVICE_CONFIG) private readonly config: WorkerConfig,
  ) {}

  async send(taskId: string): Promise<SendStepResult> {
    let prepared = await this.readAndPrepare(taskId, null);
    if (prepared.kind === 'needs-text') {
      const written = await this.write(taskId, prepared);
      if ('outcome' in written) return this.finished(written);
      prepared = await this.readAndPrepare(taskId, written);
    }
    switch (prepared.kind) {
      case 'done':
        return this.finished(prepared.result);
      case 'reconcile':
        return this.finished(await this.reconcile(prepared.context));
      case 'needs-text':
        throw new Error(`task ${taskId}: the LLM's text was not used`);
      case 'send':
        return this.finished(await this.deliver(prepared));
    }
  }

  /**
   * Reads the task's context and its organisation's existence in one statement (the job's
   * organisation check: the processor skips its own for send-step), then prepare().
   */
  private async readAndPrepare(taskId: string, generated: Generated | null): Promise<Prepared> {
    const org = this.tenants.organisationId();
    // Coalesced with the organisation's other send statements (reads, writes, records) issued in
    // the same turn of the event loop or while its previous batch ran: one round trip for all.
    const lookup = await this.tenants.batchedStatement(
      'send-task-context',
      SendTaskRepository.contextLookup(org, taskId),
    );
    if (!lookup.organisationExists) {
      throw new UnknownOrganisationError(`job payload organisationId ${org} names no organisation`);
    }
    return this.prepare(taskId, lookup.context, generated);
  }

  /**
   * Decides on the task from its context and, to send, writes its message (status sending) —
   * the common path's one write is one statement (its own transaction); every other outcome is
   * written in a transaction of its own.
   */
  private async prepare(
    taskId: string,
    context: SendTaskContext | null,
    generated: Generated | null,
  ): Promise<Prepared> {
    if (!context) return done(taskId, 'stale', 'no such task');
    if (context.task.status !== 'running') {
      return done(taskId, 'stale', `the task is ${context.task.status}, not claimed`);
    }
    const existing = context.message;
    if (existing?.status === 'sending') return { kind: 'reconcile', context };
    if (existing && existing.status !== 'queued') {
      // A message that already ended while its task was left running (its worker died after
      // the message's record and before the task's): the task ends the same way now.
      const reason = `its message is already ${existing.status}`;
      if (existing.status === 'sent') {
        await this.transaction((repos, org) =>
          repos.sendTasks.recordSent(org, {
            taskId,
            messageRowId: existing.id,
            enrollmentId: context.enrollment.id,
            campaignId: context.campaign.id,
            sentAt: new Date(),
            next: this.nextStep(context, windowOf(context), new Date()),
          }),
        );
        return done(taskId, 'sent', reason);
      }
      await this.transaction((repos, org) => repos.sendTasks.finish(org, taskId, 'failed', reason));
      return done(taskId, 'failed', reason);
    }
    const now = new Date();
    const verdict = gate(context, now);
    switch (verdict.action) {
      case 'cancel':
        await this.transaction((repos, org) =>
          repos.sendTasks.finish(org, taskId, 'cancelled', verdict.reason),
        );
        return done(taskId, 'cancelled', verdict.reason);
      case 'defer':
        await this.transaction((repos, org) =>
          repos.sendTasks.defer(org, taskId, verdict.until, verdict.reason),
        );
        return done(taskId, 'deferred', verdict.reason);
      case 'skip':
        await this.transaction((repos, org) =>
          this.skip(repos, org, context, verdict.reason, verdict.exit),
        );
        return done(taskId, 'skipped', verdict.reason);
      case 'go':
        break;
    }
    const mailbox = context.mailbox as SendMailbox;
    const source = await this.source(context);
    const token = existing?.pixelToken ?? newTrackingToken(this.tenants.organisationId());
    const links = this.links(token, mailbox);
    const values = buildVariables({
      person: context.person,
      position: context.position,
      company: context.company,
      mailbox,
      unsubscribeUrl: links.unsubscribe.url,
    });

    if (source.promptId !== null && generated === null) {
      const promptId = source.promptId;
      const prompt = await this.transaction((repos, org) => repos.sendTasks.prompt(org, promptId));
      const need = prompt ? PROMPT_NEEDS[prompt.purpose] : undefined;
      if (!prompt || !need) {
        const reason = prompt
          ? `prompt purpose ${prompt.purpose} cannot write an e-mail`
          : 'the step’s prompt no longer exists';
        await this.transaction((repos, org) => this.skip(repos, org, context, reason, 'error'));
        return done(taskId, 'skipped', reason);
      }
      return { kind: 'needs-text', prompt, need, values };
    }

    let content: MailContent;
    try {
      content = renderContent(context, source, values, generated);
    } catch (error) {
      if (!(error instanceof ContentError)) throw error;
      const reason = error.message;
      await this.transaction((repos, org) => this.skip(repos, org, context, reason, 'error'));
      return done(taskId, 'skipped', reason);
    }

    const messageId = existing?.messageId ?? newMessageId(mailbox.emailAddress);
    // The caps in the same statement as the write (one round trip): the day's counters, then the
    // message and one more send counted — or, at a cap or too soon after the mailbox's latest
    // send, nothing written. Far from every cap and without spacing, committed counts suffice and
    // sends of one mailbox commit in parallel (counter shards); otherwise the mailbox's lock
    // makes the count exact and is held only for it and the commit.
    const capsNow = new Date();
    const jitter = Math.random();
    const limits = capsLimits(context, mailbox, capsNow, () => jitter);
    const statement = SendTaskRepository.writeSendingWithinCaps(
      this.tenants.organisationId(),
      {
        taskId,
        enrollmentId: context.enrollment.id,
        positionId: context.position.id,
        mailboxId: mailbox.id,
        fromEmail: mailbox.emailAddress,
        fromName: mailbox.displayName,
        toEmail: context.position.email ?? '',
        subject: content.subject,
        bodyText: content.bodyText,
        bodyHtml: content.bodyHtml,
        messageId,
        inReplyTo: content.inReplyTo,
        experimentId: source.experimentId,
        variantId: source.variantId,
        token,
      },
      {
        ...limits,
        campaignId: context.campaign.id,
        shard: shardOf(taskId),
        unlockedHeadroom: UNLOCKED_HEADROOM,
        now: capsNow,
      },
    );
    // Coalesced with the organisation's other writes of the same turn (one round trip, one
    // transaction, committed before any of their SMTP calls), in the order of the locks they
    // take — the mailbox's, then its counter row — so that concurrent batches cannot deadlock.
    const lockOrder = [
      mailbox.id,
      context.campaign.id,
      limits.day,
      shardOf(taskId).toString(16).padStart(2, '0'),
    ].join('|');
    const written = await this.tenants.batchedStatement('write-sending', statement, lockOrder);
    if (!written.written) {
      const capped = capsGate(
        context,
        mailbox,
        verdict.window,
        written.counts,
        capsNow,
        () => jitter,
      ) ?? {
        until: new Date(capsNow.getTime() + Math.max(limits.spacingMs, 1_000)),
        reason: `waiting: mailbox ${mailbox.emailAddress} is at a cap or its spacing`,
      };
      await this.transaction((repos, org) =>
        repos.sendTasks.defer(org, taskId, capped.until, capped.reason),
      );
      return done(taskId, 'deferred', capped.reason);
    }
    return {
      kind: 'send',
      context,
      mailbox,
      window: verdict.window,
      messageRowId: written.written.id,
      mail: this.mail(context, mailbox, content, messageId, written.written.token),
    };
  }

  /** The step's content source, through the A/B variant when the step has an experiment. */
  private async source(context: SendTaskContext): Promise<ContentSource> {
    const experiment = context.experiment;
    if (!experiment || experiment.variants.length === 0) return contentSource(context, null, null);
    const existing = context.message;
    let variantId: string;
    if (existing?.variantId && existing.stepExperimentId === experiment.id) {
      variantId = existing.variantId;
    } else if (experiment.status === 'completed' && experiment.winnerVariantId) {
      variantId = experiment.winnerVariantId;
    } else {
      const proposed = pickVariant(experiment.id, context.enrollment.id, experiment.variants);
      variantId = await this.transaction((repos, org) =>
        repos.sendTasks.assignVariant(org, context.enrollment.id, experiment.id, proposed.id),
      );
    }
    const variant = experiment.variants.find((candidate) => candidate.id === variantId) ?? null;
    return contentSource(context, variant, variant ? experiment.id : null);
  }

  /** The LLM writes a prompt step's text; a failure ends (or retries) the task instead. */
  private async write(taskId: string, needs: NeedsText): Promise<Generated | SendStepResult> {
    try {
      const email = await this.writer.write(
        { content: needs.prompt.content, model: needs.prompt.model, need: needs.need },
        needs.values,
      );
      return {
        subject: needs.need === 'body' ? null : email.subject,
        body: needs.need === 'subject' ? null : email.body,
      };
    } catch (error) {
      if (!(error instanceof GenerationError)) throw error;
      const reason = `the LLM could not write the e-mail (${error.reason}): ${error.message}`;
      return this.transaction(async (repos, org) => {
        const context = await repos.sendTasks.context(org, taskId);
        if (!context || context.task.status !== 'running') {
          return { taskId, outcome: 'stale', reason } satisfies SendStepResult;
        }
        if (error.reason === 'timeout' || error.reason === 'provider_error') {
          return this.retryOrFail(repos, org, context, null, reason);
        }
        await this.fail(repos, org, context, null, reason);
        return { taskId, outcome: 'failed', reason } satisfies SendStepResult;
      });
    }
  }

  /** SMTP, then the record of what happened. */
  private async deliver(ready: ReadyToSend): Promise<SendStepResult> {
    const { context, mailbox } = ready;
    const taskId = context.task.id;
    let smtp: SmtpSettings;
    try {
      smtp = this.smtpSettings(mailbox);
    } catch (error) {
      const reason = `the mailbox password cannot be decrypted: ${(error as Error).message}`;
      return this.transaction(async (repos, org) => {
        await repos.sendTasks.setMessageStatus(org, ready.messageRowId, 'queued', reason);
        await repos.sendTasks.markMailboxError(org, mailbox.id, reason);
        await repos.sendTasks.defer(org, taskId, later(), `waiting: ${reason}`);
        return { taskId, outcome: 'deferred', reason } satisfies SendStepResult;
      });
    }
    try {
      await this.transports.send({ id: mailbox.id, version: mailbox.version }, smtp, ready.mail);
    } catch (error) {
      return this.smtpFailed(ready, classifySmtpError(error, [smtp.password]));
    }
    return this.recordSent(ready.context, ready.window, ready.messageRowId, new Date());
  }

  private async smtpFailed(ready: ReadyToSend, error: SmtpSendError): Promise<SendStepResult> {
    const { context, mailbox, messageRowId } = ready;
    const taskId = context.task.id;
    const reason = error.message;
    this.metrics.failure(error.kind);
    switch (error.kind) {
      case 'recipient_rejected':
        return this.transaction(async (repos, org) => {
          await repos.sendTasks.setMessageStatus(org, messageRowId, 'bounced', reason);
          await repos.suppressionList.add(org, {
            kind: 'email',
            value: ready.mail.to,
            reason: 'hard_bounce',
            sourceMessageId: messageRowId,
            note: error.response ?? reason,
          });
          await repos.sendTasks.finish(org, taskId, 'failed', `bounced: ${reason}`);
          await repos.enrollmentExits.exit(org, {
            enrollmentId: context.enrollment.id,
            reason: 'bounced',
            messageId: messageRowId,
          });
          return { taskId, outcome: 'bounced', reason } satisfies SendStepResult;
        });
      case 'auth':
        this.transports.close(mailbox.id);
        return this.transaction(async (repos, org) => {
          await repos.sendTasks.setMessageStatus(org, messageRowId, 'queued', reason);
          await repos.sendTasks.markMailboxError(org, mailbox.id, reason);
          await repos.sendTasks.defer(
            org,
            taskId,
            later(),
            `waiting: mailbox ${mailbox.emailAddress} refused the login`,
          );
          return { taskId, outcome: 'deferred', reason } satisfies SendStepResult;
        });
      case 'transient':
      case 'protocol': {
        const delivered = mayHaveDelivered(error);
        return this.transaction(async (repos, org) => {
          const current = await repos.sendTasks.context(org, taskId);
          if (!current || current.task.status !== 'running') {
            return { taskId, outcome: 'stale', reason } satisfies SendStepResult;
          }
          // Dropped while or after the content went: it may have been delivered. The message
          // stays `sending`; the next attempt reconciles it instead of sending it again.
          return this.retryOrFail(repos, org, current, { id: messageRowId, delivered }, reason);
        });
      }
    }
  }

  /**
   * A message left `sending` by an earlier attempt (its worker died between SMTP and commit, or
   * the connection dropped after the content): with IMAP, the Sent folder says whether it went
   * (found: sent; absent: send it now); without, it is never re-sent blindly: `uncertain`.
   */
  private async reconcile(context: SendTaskContext): Promise<SendStepResult> {
    const message = context.message;
    const mailbox = context.mailbox;
    const taskId = context.task.id;
    if (!message?.messageId || !mailbox) {
      return this.uncertain(context, 'its message was left sending and cannot be checked');
    }
    if (!mailbox.imapHost || !mailbox.imapPasswordEncrypted) {
      return this.uncertain(
        context,
        'the worker stopped while sending it and the mailbox has no IMAP to check its Sent folder',
      );
    }
    let answer: Awaited<ReturnType<typeof findInSentFolder>>;
    try {
      answer = await findInSentFolder(this.imapSettings(mailbox), message.messageId);
    } catch (error) {
      return this.uncertain(
        context,
        `its Sent folder could not be searched: ${(error as Error).message}`,
      );
    }
    if (answer === 'found') {
      return this.recordSent(context, windowOf(context), message.id, new Date());
    }
    if (answer === 'no_sent_folder') {
      return this.uncertain(context, 'the mailbox has no Sent folder to check');
    }
    this.log.log(
      `task ${taskId}: message ${message.messageId} is not in the Sent folder, sending it`,
    );
    const token = message.pixelToken ?? newTrackingToken(this.tenants.organisationId());
    return this.deliver({
      kind: 'send',
      context,
      mailbox,
      window: windowOf(context),
      messageRowId: message.id,
      mail: this.mail(
        context,
        mailbox,
        {
          subject: message.subject ?? '',
          bodyText: message.bodyText ?? '',
          bodyHtml: message.bodyHtml ?? '',
          inReplyTo: message.inReplyTo,
          references: context.thread.map((earlier) => earlier.messageId),
        },
        message.messageId,
        token,
      ),
    });
  }

  private async uncertain(context: SendTaskContext, why: string): Promise<SendStepResult> {
    const reason = `uncertain: ${why}`;
    this.metrics.failure('uncertain');
    return this.transaction(async (repos, org) => {
      await this.fail(repos, org, context, context.message?.id ?? null, reason);
      return { taskId: context.task.id, outcome: 'failed', reason } satisfies SendStepResult;
    });
  }

  /**
   * Records a message that went out: sent, the task completed, the next step scheduled. Retried
   * for about a minute when PostgreSQL is unreachable; should it stay down, the message is left
   * `sending` and reconciled when the lease expires.
   */
  private async recordSent(
    context: SendTaskContext,
    window: SendingWindow,
    messageRowId: string,
    sentAt: Date,
  ): Promise<SendStepResult> {
    const next = this.nextStep(context, window, sentAt);
    const record = SendTaskRepository.recordSentStatement(this.tenants.organisationId(), {
      taskId: context.task.id,
      messageRowId,
      enrollmentId: context.enrollment.id,
      campaignId: context.campaign.id,
      sentAt,
      next,
    });
    for (let attempt = 1; ; attempt += 1) {
      try {
        // One statement, coalesced with the organisation's other send statements issued in the
        // same turn of the event loop or while its previous batch ran: one round trip and one
        // transaction for all.
        await this.tenants.batchedStatement('record-sent', record);
        break;
      } catch (error) {
        if (attempt >= RECORD_ATTEMPTS) throw error;
        this.log.warn(
          `task ${context.task.id}: sent, not recorded yet (${String(error)}); retrying`,
        );
        await sleep(Math.min(500 * 2 ** attempt, 15_000));
      }
    }
    this.metrics.sent(context.task.id);
    return { taskId: context.task.id, outcome: 'sent', reason: null };
  }

  /** The next step's task: due `delay_days` after this send, in the sending window. */
  private nextStep(context: SendTaskContext, window: SendingWindow, sentAt: Date) {
    return context.nextStep
      ? {
          stepId: context.nextStep.id,
          dueAt: stepDueAt(sentAt, context.nextStep.delayDays, window),
        }
      : null;
  }

  /** Another attempt after a backoff, or — none left — the task fails (and the enrollment exits). */
  private async retryOrFail(
    repos: Repositories,
    org: OrganisationId,
    context: SendTaskContext,
    message: { id: string; delivered: boolean } | null,
    reason: string,
  ): Promise<SendStepResult> {
    const taskId = context.task.id;
    // A message that did not go out is queued again; one that may have stays `sending`, so
    // that the next attempt reconciles it instead of sending it again.
    if (message && !message.delivered) {
      await repos.sendTasks.setMessageStatus(org, message.id, 'queued', reason);
    }
    const at = new Date(Date.now() + retryDelayMs(context.task.attempts, { jitter: 'equal' }));
    const outcome = await repos.sendTasks.retryOrFail(org, taskId, at, reason);
    if (outcome === 'retry') return { taskId, outcome: 'retry', reason };
    const final = message?.delivered ? `uncertain: ${reason}` : reason;
    await this.fail(repos, org, context, message?.id ?? null, final, false);
    return { taskId, outcome: 'failed', reason: final };
  }

  /** The task fails for good: its message (if any) failed, the enrollment exits with `error`. */
  private async fail(
    repos: Repositories,
    org: OrganisationId,
    context: SendTaskContext,
    messageRowId: string | null,
    reason: string,
    finishTask = true,
  ): Promise<void> {
    if (messageRowId) await repos.sendTasks.setMessageStatus(org, messageRowId, 'failed', reason);
    if (finishTask) await repos.sendTasks.finish(org, context.task.id, 'failed', reason);
    await repos.enrollmentExits.exit(org, {
      enrollmentId: context.enrollment.id,
      reason: 'error',
      messageId: messageRowId,
    });
  }

  /** The task is skipped for this prospect and the enrollment exits with `exit`. */
  private async skip(
    repos: Repositories,
    org: OrganisationId,
    context: SendTaskContext,
    reason: string,
    exit: ExitReason,
  ): Promise<void> {
    await repos.sendTasks.finish(org, context.task.id, 'skipped', reason);
    await repos.enrollmentExits.exit(org, {
      enrollmentId: context.enrollment.id,
      reason: exit,
      messageId: null,
    });
  }

  private mail(
    context: SendTaskContext,
    mailbox: SendMailbox,
    content: MailContent,
    messageId: string,
    token: string,
  ): OutboundMail {
    const links = this.links(token, mailbox);
    const tracked = context.campaign.trackOpens && context.organisationTrackOpens;
    return {
      from: { address: mailbox.emailAddress, name: mailbox.displayName },
      to: context.position.email ?? '',
      subject: content.subject,
      text: content.bodyText,
      html: content.bodyHtml,
      messageId,
      inReplyTo: content.inReplyTo,
      references: content.references,
      unsubscribe: links.unsubscribe,
      pixelUrl: tracked ? links.pixel : null,
    };
  }

  private links(token: string, mailbox: SendMailbox) {
    const base = this.config.delivery.trackerPublicUrl;
    return {
      pixel: `${base}/p/${token}.gif`,
      unsubscribe: {
        url: `${base}/u/${token}`,
        mailto: `mailto:${mailbox.emailAddress}?subject=unsubscribe`,
      },
    };
  }

  /** SMTP credentials, decrypted in memory only for this send. */
  private smtpSettings(mailbox: SendMailbox): SmtpSettings {
    const org = this.tenants.organisationId();
    return {
      host: mailbox.smtpHost,
      port: mailbox.smtpPort,
      security: mailbox.smtpSecurity,
      username: mailbox.smtpUsername,
      password: this.config.mailboxSecrets.decrypt(
        mailbox.smtpPasswordEncrypted,
        mailbox.secretKeyId,
        mailboxSecretAad(org, mailbox.id, 'smtp_password'),
      ),
    };
  }

  private imapSettings(mailbox: SendMailbox): ImapSettings {
    return mailboxImapSettings(this.config.mailboxSecrets, this.tenants.organisationId(), mailbox);
  }

  private finished(result: SendStepResult): SendStepResult {
    this.metrics.outcome(result.outcome);
    return result;
  }

  private transaction<T>(
    work: (repos: Repositories, organisationId: OrganisationId) => Promise<T>,
  ): Promise<T> {
    return this.tenants.transaction(({ repositories, organisationId }) =>
      work(repositories, organisationId),
    );
  }
}

function done(taskId: string, outcome: SendStepResult['outcome'], reason: string): Prepared {
  return { kind: 'done', result: { taskId, outcome, reason } };
}

function later(): Date {
  return new Date(Date.now() + RECHECK_MS);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
