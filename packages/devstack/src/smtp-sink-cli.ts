#!/usr/bin/env node
// The SMTP sink as its own process, for the local stack and for fault tests and benches that
// kill and restart it: `node dist/smtp-sink-cli.js --port 1025 --out DIR`. Prints one
// "listening" line, then one line per received mail; SIGINT/SIGTERM stop it.
import { parseArgs } from 'node:util';
import { headerValue, SmtpSink, type SmtpSinkBehaviour } from './smtp-sink.js';

const HELP = `usage: smtp-sink-cli --out DIR [--port N] [--host ADDR] [--auth USER:PASSWORD]
                     [--reject REGEX] [--temp-fail REGEX] [--drop-after-data N] [--drop-on-connect N]
  --out              folder for the received mails, one .eml file each (created when missing)
  --port             port to listen on (default 1025; 0 picks a free one, printed at start)
  --host             address to bind (default 127.0.0.1)
  --auth             require this login (default: any login, or none, is accepted)
  --reject           recipients matching REGEX get 550 5.1.1
  --temp-fail        recipients matching REGEX get 451 4.7.1
  --drop-after-data  drop the connection after recording each of the next N mails, unanswered
  --drop-on-connect  drop each of the next N connections before the greeting`;

function fail(message: string): never {
  process.stderr.write(`smtp-sink: ${message}\n`);
  process.exit(1);
}

function main(): void {
  let values;
  try {
    values = parseArgs({
      options: {
        out: { type: 'string' },
        port: { type: 'string', default: '1025' },
        host: { type: 'string', default: '127.0.0.1' },
        auth: { type: 'string' },
        reject: { type: 'string' },
        'temp-fail': { type: 'string' },
        'drop-after-data': { type: 'string' },
        'drop-on-connect': { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    }).values;
  } catch (error) {
    fail(`${error instanceof Error ? error.message : String(error)} (see --help)`);
  }
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  if (values.out === undefined || values.out === '') fail('--out DIR is required (see --help)');
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    fail(`--port must be a port number (0-65535), got ${values.port}`);
  }
  let auth: { username: string; password: string } | undefined;
  if (values.auth !== undefined) {
    const colon = values.auth.indexOf(':');
    if (colon <= 0) fail('--auth must be USER:PASSWORD');
    auth = { username: values.auth.slice(0, colon), password: values.auth.slice(colon + 1) };
  }
  const count = (name: 'drop-after-data' | 'drop-on-connect'): number | undefined => {
    const raw = values[name];
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) fail(`--${name} must be a count (0 or more), got ${raw}`);
    return n;
  };
  const pattern = (name: 'reject' | 'temp-fail'): ((rcpt: string) => boolean) | undefined => {
    const raw = values[name];
    if (raw === undefined) return undefined;
    let regex: RegExp;
    try {
      regex = new RegExp(raw, 'i');
    } catch {
      fail(`--${name} must be a regular expression, got ${raw}`);
    }
    return (rcpt) => regex.test(rcpt);
  };
  const behaviour: SmtpSinkBehaviour = {};
  const reject = pattern('reject');
  const tempFail = pattern('temp-fail');
  const dropAfterData = count('drop-after-data');
  const dropOnConnect = count('drop-on-connect');
  if (reject) behaviour.rejectRecipients = reject;
  if (tempFail) behaviour.tempFailRecipients = tempFail;
  if (dropAfterData !== undefined) behaviour.dropAfterData = dropAfterData;
  if (dropOnConnect !== undefined) behaviour.dropOnConnect = dropOnConnect;

  const out = values.out;
  SmtpSink.start({
    port,
    host: values.host,
    outDir: out,
    ...(auth ? { auth } : {}),
    onMail: (mail, file) => {
      const subject = headerValue(mail.raw, 'subject') ?? '(no subject)';
      process.stdout.write(
        `${mail.receivedAt.toISOString()} mail from ${mail.from || '<>'} to ${mail.to.join(', ')}` +
          ` subject ${JSON.stringify(subject)} ${file ?? ''}\n`,
      );
    },
  }).then(
    (sink) => {
      sink.setBehaviour(behaviour);
      process.stdout.write(`smtp-sink: listening on ${sink.host}:${sink.port}, mails in ${out}\n`);
      const stop = (): void => {
        void sink.stop().then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    },
    (error: unknown) => {
      const code = (error as { code?: unknown }).code;
      if (code === 'EADDRINUSE') {
        fail(`port ${port} is already in use: stop what listens there or pass --port`);
      }
      fail(error instanceof Error ? error.message : String(error));
    },
  );
}

main();
