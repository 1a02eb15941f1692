#!/usr/bin/env node
// `pnpm demo`: the whole product once, against the running local stack (./scripts/stack.sh).
// It runs the journey of @outreach/devstack/journey (the same code as the worker's journey
// e2e test): an organisation and its user (a token from the api's `token` command), the sample
// Pharow CSV imported, a mailbox on the stack's SMTP catcher (and its Dovecot when it runs), a
// three-step campaign with an A/B test on step 1, enrollments, the sends, opens by people and by
// Apple's proxy, a one-click unsubscribe, a reply, an auto-reply and a bounce; then it prints the
// statistics and the A/B verdict as the api gives them.
//
// Time acceleration (no hidden clock): the campaign sends every day from 00:00 to 23:59, steps 1
// and 2 have delay_days 0 and the mailbox has no minimum spacing — settings any user can choose —,
// so they go out within seconds; step 3 is due a day later, so the answers, the unsubscribe and
// the bounce stop it (the stop rules) while it waits for the others.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs, promisify } from 'node:util';

const root = join(import.meta.dirname, '..');
const HELP = `usage: pnpm demo [--enroll N] [--api-port N] [--tracker-port N] [--worker-port N]
                 [--pgbouncer-port N] [--smtp-port N] [--imap-port N] [--data-dir DIR]
                 [--too-soon-seconds N] [--help]
  Runs against the local stack started by ./scripts/stack.sh (same defaults as its options).
  --enroll            prospects enrolled from the sample import (default 40, at least 4)
  --api-port          api port (default 3000)
  --tracker-port      tracker port (default 3001)
  --worker-port       worker health port (default 3002)
  --pgbouncer-port    pgBouncer port (default 6432): the token command creates the user there
  --smtp-port         the stack's SMTP catcher (default 1025)
  --imap-port         the stack's Dovecot (default 1143); without it, no reply, auto-reply or bounce report
  --data-dir          the stack's data folder, where the catcher writes mails (default .local)
  --too-soon-seconds  the tracker's OPEN_TOO_SOON_SECONDS (default 10): people open after it`;

/** The stack's IMAP account (scripts/stack.mjs creates it when Dovecot is installed). */
const IMAP_USER = { username: 'demo@outreach.local', password: 'demo' };

function fail(message) {
  process.stderr.write(`demo: ${message}\n`);
  process.exit(1);
}

let args;
try {
  args = parseArgs({
    options: {
      enroll: { type: 'string', default: '40' },
      'api-port': { type: 'string', default: '3000' },
      'tracker-port': { type: 'string', default: '3001' },
      'worker-port': { type: 'string', default: '3002' },
      'pgbouncer-port': { type: 'string', default: '6432' },
      'smtp-port': { type: 'string', default: '1025' },
      'imap-port': { type: 'string', default: '1143' },
      'data-dir': { type: 'string', default: process.env.STACK_DATA_DIR ?? join(root, '.local') },
      'too-soon-seconds': { type: 'string', default: '10' },
      help: { type: 'boolean', default: false },
    },
  }).values;
} catch (error) {
  fail(`${error.message} (see --help)`);
}
if (args.help) {
  console.log(HELP);
  process.exit(0);
}
const number = (name, min, max) => {
  const value = Number(args[name]);
  if (!Number.isInteger(value) || value < min || value > max) {
    fail(`--${name} must be a whole number from ${min} to ${max}, got ${args[name]}`);
  }
  return value;
};
const port = (name) => number(name, 1, 65535);
const options = {
  enroll: number('enroll', 4, 250),
  api: port('api-port'),
  tracker: port('tracker-port'),
  worker: port('worker-port'),
  bouncer: port('pgbouncer-port'),
  smtp: port('smtp-port'),
  imap: port('imap-port'),
  tooSoon: number('too-soon-seconds', 0, 3600),
  dataDir: resolve(args['data-dir']),
};

const builds = [
  'packages/devstack/dist/index.js',
  'packages/devstack/dist/journey/index.js',
  'apps/api/dist/cli/mint-token.js',
];
const unbuilt = builds.filter((file) => !existsSync(join(root, file)));
if (unbuilt.length > 0) {
  fail(`${unbuilt.join(', ')} missing: build first with 'pnpm exec turbo run build'`);
}
const { isPortInUse, readMailDir } = await import(join(root, 'packages/devstack/dist/index.js'));
const journey = await import(join(root, 'packages/devstack/dist/journey/index.js'));

// The stack must be up: one line saying what to do otherwise.
for (const [name, url] of [
  ['api', `http://127.0.0.1:${options.api}/health/ready`],
  ['tracker', `http://127.0.0.1:${options.tracker}/health/ready`],
  ['worker', `http://127.0.0.1:${options.worker}/health/ready`],
]) {
  const status = await fetch(url, { signal: AbortSignal.timeout(3_000) })
    .then((response) => response.status)
    .catch(() => null);
  if (status !== 200) {
    fail(
      status === null
        ? `the ${name} does not answer on ${url}: start the local stack first (./scripts/stack.sh) and wait for its URLs`
        : `the ${name} is not ready (${url} answered ${status}): wait for the stack to finish starting`,
    );
  }
}
if (!(await isPortInUse(options.smtp))) {
  fail(
    `nothing listens on 127.0.0.1:${options.smtp}: the stack's SMTP catcher is not running (./scripts/stack.sh)`,
  );
}
const mailDir = join(options.dataDir, 'mail');
if (!existsSync(mailDir)) fail(`${mailDir} does not exist: pass the stack's --data-dir`);
const imap = (await isPortInUse(options.imap))
  ? { host: '127.0.0.1', port: options.imap, ...IMAP_USER }
  : null;

const log = (line) => console.log(`demo: ${line}`);
const appPassword = process.env.STACK_APP_PASSWORD ?? 'outreach_app_user';
const databaseUrl = `postgres://outreach_app_user:${encodeURIComponent(appPassword)}@127.0.0.1:${options.bouncer}/outreach`;
const email = `demo-${Date.now().toString(36)}@outreach.local`;
let token;
try {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [join(root, 'apps/api/dist/cli/mint-token.js'), '--email', email, '--first-name', 'Camille'],
    { env: { ...process.env, DATABASE_URL: databaseUrl } },
  );
  token = stdout.trim();
} catch (error) {
  fail(`the api's token command failed: ${(error.stderr || error.message).trim()}`);
}
log(`user ${email} (token from the api's token command)`);

const started = Date.now();
let result;
try {
  result = await journey.runJourney({
    apiUrl: `http://127.0.0.1:${options.api}`,
    token,
    csv: {
      fileName: 'pharow-sample.csv',
      bytes: readFileSync(join(root, 'packages/pharow/fixtures/pharow-sample.csv')),
    },
    mailbox: {
      emailAddress: IMAP_USER.username,
      displayName: 'Camille de Démo',
      smtp: { host: '127.0.0.1', port: options.smtp },
      imap,
    },
    enroll: options.enroll,
    mails: () => readMailDir(mailDir),
    reportBounce: imap !== null,
    tooSoonSeconds: options.tooSoon,
    inboundWaitMs: imap ? 60_000 : 0,
    timeoutMs: 180_000,
    log,
  });
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}

console.log(`\nWhat the prospects did\n${journey.actionsSummary(result)}`);
console.log(`\nCampaign statistics (api)\n${journey.statsReport(result)}`);
console.log(`\n${journey.verdictReport(result)}`);
console.log(
  `\ndemo: done in ${Math.round((Date.now() - started) / 1000)} s — organisation ${result.organisationId}, campaign ${result.campaignId}`,
);
