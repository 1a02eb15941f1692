import type { ReceivedMail } from '../smtp-sink.js';
import { ApiClient, JourneyApiError } from './api-client.js';
import { appendToInbox, type ImapLogin } from './imap-append.js';
import {
  APPLE_PROXY_USER_AGENT,
  PERSON_USER_AGENT,
  autoReply,
  bounceReport,
  humanReply,
  loadPixel,
  mailLinks,
  unsubscribeOneClick,
  type Original,
} from './recipient.js';

/** The sending identity the journey creates: the local SMTP server, and IMAP when there is one. */
export interface JourneyMailbox {
  emailAddress: string;
  displayName: string;
  smtp: { host: string; port: number };
  /** The mailbox's IMAP account (replies, auto-replies and bounce reports are delivered there). */
  imap: ImapLogin | null;
}

export interface JourneyOptions {
  apiUrl: string;
  /** A bearer token of the user who runs the journey (the api's `token` command makes one). */
  token: string;
  /** The Pharow CSV export to import. */
  csv: { fileName: string; bytes: Uint8Array };
  mailbox: JourneyMailbox;
  /** How many imported prospects are enrolled (at least 4). */
  enroll: number;
  /** The mails the SMTP server received so far (an `SmtpSink`'s, or a catcher's folder). */
  mails: () => readonly ReceivedMail[];
  /**
   * A bounce at SMTP: the caller's SMTP server must refuse this address at RCPT (550) from now
   * on; the journey gives it the last enrolled prospect's address. Unset: no such bounce.
   */
  rejectAtSmtp?: (address: string) => void;
  /**
   * A bounce reported later: the mail is accepted, then the recipient's server's delivery
   * status report arrives in the mailbox's IMAP inbox (needs `mailbox.imap`).
   */
  reportBounce: boolean;
  /** The tracker's OPEN_TOO_SOON_SECONDS: people open mails only after it. */
  tooSoonSeconds: number;
  /**
   * How long to wait for the worker to read the answers delivered into IMAP (inbound messages
   * in the api); 0: do not wait (no IMAP, or nothing reads it yet).
   */
  inboundWaitMs: number;
  /** Upper bound of each waiting step (import, sends, opens). */
  timeoutMs: number;
  /** One line per step, for a person watching. */
  log: (line: string) => void;
  /** A label that makes the organisation's and campaign's names unique (default: the time). */
  label?: string;
}

/** One outbound message as the api lists it. */
export interface JourneyMessage {
  id: string;
  status: string;
  direction: string;
  toEmail: string;
  subject: string | null;
  messageId: string | null;
  taskId: string | null;
  enrollmentId: string | null;
  variantId: string | null;
  sentAt: string | null;
  error: string | null;
}

/** A message the journey acted on, with where it belongs. */
export interface ActedMessage {
  messageId: string;
  stepOrder: number;
  /** The A/B variant's key (step 1), null for the other steps. */
  variantKey: string | null;
  toEmail: string;
}

/** What the journey did as the prospects, so a test can derive every expected count. */
export interface JourneyActions {
  /** Pixels loaded by a person (a message may appear twice: opened twice). */
  humanOpens: ActedMessage[];
  /** Pixels loaded by Apple's privacy proxy. */
  proxyOpens: ActedMessage[];
  replies: ActedMessage[];
  autoReplies: ActedMessage[];
  unsubscribes: ActedMessage[];
  /** Bounced messages (refused at SMTP, or reported by the recipient's server). */
  bounces: ActedMessage[];
}

export interface JourneyResult {
  organisationId: string;
  campaignId: string;
  mailboxId: string;
  experimentId: string;
  importId: string;
  /** Step ids by order (1, 2, 3). */
  stepIds: string[];
  /** Variant id → key. */
  variants: Map<string, string>;
  enrolledPositionIds: string[];
  /** Every outbound message once sending settled, with its step's order. */
  messages: Array<JourneyMessage & { stepOrder: number }>;
  actions: JourneyActions;
  /** `GET …/open-stats` once the tracker wrote every open. */
  openStats: OpenStats;
  /** Inbound messages the api lists at the end (read by the worker from IMAP). */
  inbound: JourneyMessage[];
  /** `GET …/stats`, or null when the api has no such route. */
  stats: CampaignStats | null;
  /** `GET …/experiments` (A/B decisions), or null when the api has no such route. */
  experiments: CampaignExperiments | null;
}

/** The open figures of `GET …/open-stats` the journey reads. */
export interface OpenFigures {
  delivered: number;
  uniqueHumanOpens: number;
  totalOpens: number;
  humanOpens: number;
  machineOpens: number;
  openRate: number | null;
}

export interface OpenStats {
  total: OpenFigures;
  steps: Array<OpenFigures & { stepId: string; stepOrder: number }>;
  variants: Array<OpenFigures & { variantId: string; key?: string }>;
}

/** Days between the steps: 1 and 2 at once, 3 the next day. */
export const STEP_DELAYS = [0, 0, 1] as const;

/** A rate as the api gives it, with its denominator. */
export interface Rate {
  numerator: number;
  denominator: number;
  rate: number | null;
}

/** The figures of `GET …/stats` (campaign, step, variant, mailbox). */
export interface StatsFigures {
  enrolled: number | null;
  sent: number;
  delivered: number;
  bounced: number;
  hardBounced: number;
  softBounced: number;
  uniqueHumanOpens: number;
  totalOpens: number;
  humanOpens: number;
  machineOpens: number;
  humanReplies: number;
  autoReplies: number;
  unsubscribes: number;
  rates: Record<'delivery' | 'bounce' | 'open' | 'reply' | 'autoReply' | 'unsubscribe', Rate>;
}

export interface CampaignStats {
  campaignId: string;
  timezone: string;
  total: StatsFigures;
  steps: Array<StatsFigures & { stepId: string; stepOrder: number }>;
  variants: Array<StatsFigures & { variantId: string; variantKey: string; experimentId: string }>;
  mailboxes: Array<StatsFigures & { mailboxId: string; mailboxEmail: string | null }>;
}

/** `GET …/experiments`: each experiment's decision. */
export interface CampaignExperiments {
  campaignId: string;
  experiments: Array<{
    experimentId: string;
    name: string;
    metric: string;
    status: string;
    winnerVariantId: string | null;
    assessment: {
      verdict: string;
      message: string;
      confidence: number;
      variants: Array<{
        variantId: string;
        key: string;
        delivered: number;
        conversions: number;
        rate: number | null;
        interval: { lower: number; upper: number; level: number };
        probabilityBest: number | null;
        sampleNeeded: number;
      }>;
    };
  }>;
}

const TERMINAL = new Set(['sent', 'bounced', 'failed', 'uncertain']);

/** Polls `probe` until it answers something other than undefined, or fails naming `what`. */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
  intervalMs = 300,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((done) => setTimeout(done, intervalMs));
  }
}

/**
 * A campaign's sending settings that send at once, which is the journey's documented time
 * acceleration: every day of the week, 00:00 to 23:59 in a timezone where it is not the last
 * minute of the day now, follow-ups with `delayDays` 0, a mailbox without minimum spacing.
 */
export function roundTheClock(now = new Date()): {
  timezone: string;
  sendingWindowStart: string;
  sendingWindowEnd: string;
  sendingDays: number[];
} {
  const paris = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Paris',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(now);
  return {
    timezone: paris >= '23:50' ? 'UTC' : 'Europe/Paris',
    sendingWindowStart: '00:00',
    sendingWindowEnd: '23:59',
    sendingDays: [1, 2, 3, 4, 5, 6, 7],
  };
}

interface Position {
  id: string;
  email: string | null;
  emailStatus: string | null;
  status: string;
}

/**
 * The whole product once, as its users and their prospects use it, through the running api,
 * worker, tracker and mail servers: an organisation, a Pharow import, a mailbox, a three-step
 * campaign with an A/B test on its first step, enrollments, the sends (at once: see
 * {@link roundTheClock}), opens by people and by Apple's proxy, a one-click unsubscribe, a
 * reply, an auto-reply and a bounce, then the campaign's statistics.
 */
export async function runJourney(options: JourneyOptions): Promise<JourneyResult> {
  if (options.enroll < 4) throw new Error('the journey needs at least 4 enrolled prospects');
  const api = new ApiClient(options.apiUrl, options.token);
  const log = options.log;
  const label = options.label ?? new Date().toISOString().slice(0, 19).replace('T', ' ');

  const organisation = await api.call<{ id: string }>('POST', '/organisations', {
    name: `Démo Prospection ${label}`,
  });
  const org = `/organisations/${organisation.id}`;
  log(`organisation ${organisation.id} created`);

  const form = new FormData();
  form.append('file', new Blob([options.csv.bytes], { type: 'text/csv' }), options.csv.fileName);
  const upload = await api.call<{ id: string }>(
    'POST',
    `${org}/imports?listName=${encodeURIComponent(`Démo ${label}`)}`,
    form,
  );
  const imported = await waitFor('the import to complete', options.timeoutMs, async () => {
    const state = await api.call<{
      status: string;
      rows: { total: number; merged: number; rejected: number };
      error?: string | null;
    }>('GET', `${org}/imports/${upload.id}`);
    if (state.status === 'failed') throw new Error(`the import failed: ${String(state.error)}`);
    return state.status === 'completed' ? state : undefined;
  });
  log(
    `import ${upload.id}: ${imported.rows.total} rows, ${imported.rows.merged} merged, ${imported.rows.rejected} rejected`,
  );

  const positions = (await api.all<Position>(`${org}/positions`))
    // The addresses a campaign takes: an active position, a valid or catch-all address.
    .filter(
      (position): position is Position & { email: string } =>
        position.email !== null &&
        position.status === 'active' &&
        (position.emailStatus === 'valid' || position.emailStatus === 'catch_all'),
    )
    .sort((a, b) => a.email.localeCompare(b.email))
    .slice(0, options.enroll);
  if (positions.length < options.enroll) {
    throw new Error(
      `the import gave ${positions.length} positions with a usable address, fewer than ${options.enroll}`,
    );
  }

  const { mailbox } = options;
  const mailboxBody = {
    emailAddress: mailbox.emailAddress,
    displayName: mailbox.displayName,
    smtp: { ...mailbox.smtp, security: 'none', username: 'demo', password: 'demo' },
    imap: mailbox.imap
      ? {
          host: mailbox.imap.host,
          port: mailbox.imap.port,
          security: 'none',
          username: mailbox.imap.username,
          password: mailbox.imap.password,
        }
      : null,
    dailyCap: 10_000,
    minSpacingSeconds: 0,
  };
  const createdMailbox = await api.call<{ id: string }>('POST', `${org}/mailboxes`, mailboxBody);
  const verified = await api.call<{
    smtp: { ok: boolean; error?: unknown };
    imap: { ok: boolean; error?: unknown } | null;
  }>('POST', `${org}/mailboxes/${createdMailbox.id}/verify`);
  if (!verified.smtp.ok || (verified.imap !== null && !verified.imap.ok)) {
    throw new Error(`the mailbox does not verify: ${JSON.stringify(verified)}`);
  }
  log(
    `mailbox ${mailbox.emailAddress}: SMTP ${mailbox.smtp.host}:${mailbox.smtp.port}` +
      (mailbox.imap ? `, IMAP ${mailbox.imap.host}:${mailbox.imap.port}` : ', no IMAP'),
  );

  const campaign = await api.call<{ id: string }>('POST', `${org}/campaigns`, {
    name: `Démo ${label}`,
    description: 'Three steps, an A/B test of the first subject',
    mailboxId: createdMailbox.id,
    ...roundTheClock(),
    dailyLimit: 10_000,
    trackOpens: true,
  });
  const base = `${org}/campaigns/${campaign.id}`;
  const signature = '\n\n{{ sender.name }}\nSe désinscrire : {{ unsubscribe_url }}';
  const stepBodies = [
    {
      subjectTemplate: 'Une idée pour {{ company.name }}',
      bodyTemplate: `Bonjour {{ person.first_name }},\n\nJ'ai une idée pour {{ company.name }} à {{ company.city }}.${signature}`,
    },
    {
      bodyTemplate: `Bonjour {{ person.first_name }},\n\nAvez-vous eu le temps de lire mon message ?${signature}`,
    },
    {
      bodyTemplate: `Bonjour {{ person.first_name }},\n\nDernier message de ma part : je reste disponible.${signature}`,
    },
  ];
  const stepIds: string[] = [];
  // Steps 1 and 2 at once; step 3 a day later, so the prospects' answers, unsubscribe and
  // bounce stop it for them (the stop rules) while it waits for the others.
  for (const [index, body] of stepBodies.entries()) {
    const step = await api.call<{ id: string }>('POST', `${base}/steps`, {
      delayDays: STEP_DELAYS[index],
      exitOnReply: true,
      ...body,
    });
    stepIds.push(step.id);
  }
  const [firstStep] = stepIds as [string];
  const experiment = await api.call<{
    id: string;
    variants: Array<{ id: string; key: string }>;
  }>('POST', `${base}/steps/${firstStep}/experiments`, {
    name: 'Objet : question ou idée',
    metric: 'open_rate',
    variants: [
      {
        key: 'A',
        weight: 1,
        subjectTemplate: '{{ person.first_name }}, une question rapide',
        bodyTemplate: stepBodies[0]?.bodyTemplate,
      },
      {
        key: 'B',
        weight: 1,
        subjectTemplate: 'Une idée pour {{ company.name }}',
        bodyTemplate: stepBodies[0]?.bodyTemplate,
      },
    ],
  });
  await api.call('POST', `${base}/steps/${firstStep}/experiments/${experiment.id}/start`);
  const variants = new Map(experiment.variants.map((variant) => [variant.id, variant.key]));
  await api.call('POST', `${base}/activate`);
  log(
    `campaign ${campaign.id}: 3 steps (delays ${STEP_DELAYS.join(', ')} days), A/B test A vs B on step 1, active`,
  );

  // The SMTP bounce: the recipient server refuses the last prospect's address; the reported
  // bounce is the one before.
  const refused = options.rejectAtSmtp ? positions[positions.length - 1] : undefined;
  if (refused) options.rejectAtSmtp?.(refused.email);
  const reported =
    options.reportBounce && options.mailbox.imap
      ? positions[positions.length - (refused ? 2 : 1)]
      : undefined;
  const enrolled = await api.call<{ enrolled: number; skipped: Record<string, number> }>(
    'POST',
    `${base}/enrollments`,
    { positionIds: positions.map((position) => position.id) },
  );
  if (enrolled.enrolled !== positions.length) {
    throw new Error(
      `${enrolled.enrolled} of ${positions.length} enrolled: ${JSON.stringify(enrolled.skipped)}`,
    );
  }
  log(`${positions.length} prospects enrolled`);

  // Steps 1 and 2 now (the refused address gets no step 2); step 3 is due tomorrow.
  const expected = positions.length * 2 - (refused ? 1 : 0);
  const messages = await waitFor(`${expected} messages sent`, options.timeoutMs, async () => {
    const listed = await api.all<JourneyMessage>(`${base}/messages?messageDirection=outbound`);
    const failed = listed.find((message) => message.status === 'failed');
    if (failed) throw new Error(`message to ${failed.toEmail} failed: ${String(failed.error)}`);
    const done = listed.filter((message) => TERMINAL.has(message.status));
    return done.length === expected && listed.length === expected ? listed : undefined;
  }).catch(async (error: unknown) => {
    // Say where the tasks are: the engine's own reasons (deferred, failed, …).
    const tasks = await api.all<{ status: string; stepId: string; lastError: string | null }>(
      `${base}/tasks`,
    );
    const enrollments = await api.all<{ status: string; exitReason: string | null }>(
      `${base}/enrollments`,
    );
    const tally = (keys: string[]) => {
      const counts = new Map<string, number>();
      for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
      return JSON.stringify([...counts]);
    };
    const taskStates = tally(
      tasks.map(
        (task) =>
          `step ${stepIds.indexOf(task.stepId) + 1} ${task.status}${task.lastError ? ` (${task.lastError})` : ''}`,
      ),
    );
    const enrollmentStates = tally(
      enrollments.map((enrollment) => `${enrollment.status} ${enrollment.exitReason ?? ''}`),
    );
    throw new Error(`${String(error)}; tasks: ${taskStates}; enrollments: ${enrollmentStates}`, {
      cause: error,
    });
  });
  const tasks = await api.all<{ id: string; stepId: string }>(`${base}/tasks`);
  const stepOfTask = new Map(tasks.map((task) => [task.id, stepIds.indexOf(task.stepId) + 1]));
  const acted = (message: JourneyMessage): ActedMessage => ({
    messageId: message.id,
    stepOrder: stepOfTask.get(message.taskId ?? '') ?? 0,
    variantKey: message.variantId ? (variants.get(message.variantId) ?? null) : null,
    toEmail: message.toEmail,
  });
  const sent = messages.filter((message) => message.status === 'sent');
  log(`${sent.length} mails sent, ${messages.length - sent.length} refused by the SMTP server`);

  // The mails as the prospects received them.
  const received = await waitFor('every sent mail at the SMTP server', options.timeoutMs, () => {
    const byId = new Map(options.mails().map((mail) => [mail.messageId ?? '', mail]));
    const found = sent.map((message) => byId.get(message.messageId ?? ''));
    const all = found.filter((mail): mail is ReceivedMail => mail !== undefined);
    return Promise.resolve(all.length === found.length ? all : undefined);
  });
  const mailOf = new Map(
    sent.map((message, index) => [message.id, received[index] as ReceivedMail]),
  );

  // People open mails only after the tracker's "too soon after the send" window.
  const lastSent = Math.max(...sent.map((message) => Date.parse(message.sentAt ?? '')));
  const wait = lastSent + options.tooSoonSeconds * 1_000 + 1_000 - Date.now();
  if (wait > 0) {
    log(
      `waiting ${Math.ceil(wait / 1000)} s: the tracker counts an open within ${options.tooSoonSeconds} s of the send as a machine`,
    );
    await new Promise((done) => setTimeout(done, wait));
  }

  const actions = await actAsProspects(
    options,
    sent.map(acted),
    mailOf,
    messages,
    acted,
    reported?.email ?? null,
  );

  const loads = actions.humanOpens.length + actions.proxyOpens.length;
  await waitFor(`the tracker to record ${loads} opens`, options.timeoutMs, async () => {
    const stats = await api.call<OpenStats>('GET', `${base}/open-stats`);
    return stats.total.totalOpens === loads ? stats : undefined;
  });
  log(`${loads} pixel loads recorded by the tracker`);

  let inbound: JourneyMessage[] = [];
  const answers = actions.replies.length + actions.autoReplies.length;
  const reportedIds = new Set(
    actions.bounces
      .filter((message) => message.toEmail === reported?.email)
      .map((m) => m.messageId),
  );
  if (options.inboundWaitMs > 0 && answers + reportedIds.size > 0) {
    inbound = await waitFor(
      `the worker to read ${answers} answers and ${reportedIds.size} bounce report from IMAP`,
      options.inboundWaitMs,
      async () => {
        const listed = await api.all<JourneyMessage>(`${base}/messages?messageDirection=inbound`);
        const outbound = await api.all<JourneyMessage>(
          `${base}/messages?messageDirection=outbound`,
        );
        const bouncedNow = outbound.filter(
          (message) => reportedIds.has(message.id) && message.status === 'bounced',
        );
        // The report is stored as an inbound message too, and its bounce marks the original.
        return listed.length >= answers + reportedIds.size && bouncedNow.length === reportedIds.size
          ? listed
          : undefined;
      },
    ).catch((error: unknown) => {
      log(`${String(error)}: the statistics show what was read`);
      return [];
    });
    log(`the worker read ${inbound.length} answers from the mailbox's IMAP inbox`);
  }

  return {
    organisationId: organisation.id,
    campaignId: campaign.id,
    mailboxId: createdMailbox.id,
    experimentId: experiment.id,
    importId: upload.id,
    stepIds,
    variants,
    enrolledPositionIds: positions.map((position) => position.id),
    messages: (await api.all<JourneyMessage>(`${base}/messages?messageDirection=outbound`)).map(
      (message) => ({ ...message, stepOrder: stepOfTask.get(message.taskId ?? '') ?? 0 }),
    ),
    actions,
    // Read again: a bounce report read meanwhile turns a delivered message into a bounced one.
    openStats: await api.call<OpenStats>('GET', `${base}/open-stats`),
    inbound,
    stats: (await optionalRoute(api, `${base}/stats`)) as CampaignStats | null,
    experiments: (await optionalRoute(api, `${base}/experiments`)) as CampaignExperiments | null,
  };
}

/** A route that may not exist yet: its body, or null on the router's 404. */
async function optionalRoute(api: ApiClient, path: string): Promise<unknown> {
  const { status, body } = await api.raw('GET', path);
  if (status === 200) return body;
  const message = (body as { message?: unknown } | undefined)?.message;
  if (status === 404 && typeof message === 'string' && message.startsWith('Cannot GET'))
    return null;
  throw new JourneyApiError('GET', path, status, body);
}

/**
 * The prospects' side, deterministic over the recipients sorted by address (index i of the
 * step-1 mails): every third uses Apple Mail (its proxy loads every mail it receives); a person
 * opens every variant-A first mail and every fourth variant-B one, and the first recipient opens
 * its first mail twice and reads the second; the second recipient unsubscribes in one click;
 * the first variant-A recipient answers, the first variant-B one is away (auto-reply); with a
 * report bounce, the last recipient's server reports the first mail undeliverable.
 */
async function actAsProspects(
  options: JourneyOptions,
  sent: ActedMessage[],
  mailOf: Map<string, ReceivedMail>,
  all: JourneyMessage[],
  acted: (message: JourneyMessage) => ActedMessage,
  reportedEmail: string | null,
): Promise<JourneyActions> {
  const actions: JourneyActions = {
    humanOpens: [],
    proxyOpens: [],
    replies: [],
    autoReplies: [],
    unsubscribes: [],
    bounces: all.filter((message) => message.status === 'bounced').map(acted),
  };
  const links = (message: ActedMessage) => mailLinks(mailOf.get(message.messageId) as ReceivedMail);
  const firstMails = sent
    .filter((message) => message.stepOrder === 1)
    .sort((a, b) => a.toEmail.localeCompare(b.toEmail));
  const readers = firstMails.filter((message) => message.toEmail !== reportedEmail);
  const open = async (message: ActedMessage, agent: string, into: ActedMessage[]) => {
    await loadPixel(links(message).pixelUrl, agent);
    into.push(message);
  };

  for (const [index, first] of readers.entries()) {
    if (index % 3 === 2) {
      for (const message of sent.filter((candidate) => candidate.toEmail === first.toEmail)) {
        await open(message, APPLE_PROXY_USER_AGENT, actions.proxyOpens);
      }
    }
    if (first.variantKey === 'A' || index % 4 === 0) {
      await open(first, PERSON_USER_AGENT, actions.humanOpens);
    }
  }
  const [firstReader, secondReader] = readers as [ActedMessage, ActedMessage];
  await open(firstReader, PERSON_USER_AGENT, actions.humanOpens);
  const followUp = sent.find(
    (message) => message.toEmail === firstReader.toEmail && message.stepOrder === 2,
  );
  if (followUp) await open(followUp, PERSON_USER_AGENT, actions.humanOpens);
  options.log(
    `${actions.humanOpens.length} opens by people (Thunderbird), ${actions.proxyOpens.length} by Apple's privacy proxy`,
  );

  await unsubscribeOneClick(links(secondReader).unsubscribeUrl);
  actions.unsubscribes.push(secondReader);
  options.log(`${secondReader.toEmail} unsubscribed in one click (RFC 8058 POST)`);

  const imap = options.mailbox.imap;
  if (!imap) {
    options.log('no IMAP server: no reply, auto-reply or bounce report delivered');
    return actions;
  }
  const original = (message: ActedMessage): Original => {
    const mail = mailOf.get(message.messageId) as ReceivedMail;
    const raw = mail.raw.toString('utf8');
    return {
      messageId: mail.messageId ?? '',
      subject: /^Subject: (.*)$/im.exec(raw)?.[1]?.trim() ?? '',
      prospect: message.toEmail,
      mailbox: options.mailbox.emailAddress,
    };
  };
  const answering = readers.find(
    (message) => message.variantKey === 'A' && message !== secondReader,
  );
  if (answering) {
    await appendToInbox(
      imap,
      humanReply(original(answering), 'Bonjour, oui, appelons-nous jeudi à 10 h.'),
    );
    actions.replies.push(answering);
    options.log(`${answering.toEmail} answered (delivered into the mailbox's IMAP inbox)`);
  }
  const away = readers.find((message) => message.variantKey === 'B' && message !== secondReader);
  if (away) {
    await appendToInbox(imap, autoReply(original(away), '15 janvier'));
    actions.autoReplies.push(away);
    options.log(`${away.toEmail} is away: out-of-office auto-reply delivered`);
  }
  const bouncedFirst = firstMails.find((message) => message.toEmail === reportedEmail);
  if (bouncedFirst) {
    await appendToInbox(imap, bounceReport(original(bouncedFirst)));
    actions.bounces.push(bouncedFirst);
    options.log(
      `${bouncedFirst.toEmail}: the recipient's server reported the mail undeliverable (5.1.1)`,
    );
  }
  return actions;
}
