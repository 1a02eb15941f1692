import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import nodemailer from 'nodemailer';
import { stopProcess } from '../src/child-process.js';
import { freePort } from '../src/ports.js';
import { GarbageSmtpServer, readMailDir, SmtpSink } from '../src/smtp-sink.js';

/*
 * The sink in-process (what the mailer and engine tests use) and as its own process (what
 * fault tests and benches kill and restart, and what ./scripts/stack.sh runs on :1025).
 */

const CLI = fileURLToPath(new URL('../dist/smtp-sink-cli.js', import.meta.url));

async function send(port: number, messageId: string, subject = 'Bonjour'): Promise<void> {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    ignoreTLS: true,
    logger: false,
  });
  try {
    await transport.sendMail({
      from: 'alice@acme.fr',
      to: ['bob@client.fr', 'carol@client.fr'],
      subject,
      text: 'Un mot.',
      messageId,
    });
  } finally {
    transport.close();
  }
}

describe('SmtpSink in-process', () => {
  let sink: SmtpSink;
  beforeEach(async () => {
    sink = await SmtpSink.start();
  });
  afterEach(async () => {
    await sink.stop();
  });

  it('records envelope and raw message, and counts duplicates by Message-ID', async () => {
    await send(sink.port, '<one@acme.fr>');
    await send(sink.port, '<two@acme.fr>');
    await send(sink.port, '<one@acme.fr>');
    await sink.waitForCount(3, 1_000);
    expect(sink.received[0]?.from).toBe('alice@acme.fr');
    expect(sink.received[0]?.to).toEqual(['bob@client.fr', 'carol@client.fr']);
    expect(sink.received[0]?.raw.toString('utf8')).toContain('Un mot.');
    expect(sink.countsByMessageId()).toEqual(
      new Map([
        ['<one@acme.fr>', 2],
        ['<two@acme.fr>', 1],
      ]),
    );
    expect(sink.duplicates()).toEqual(['<one@acme.fr>']);
  });

  it('records a mail whose acknowledgement it drops, and says how many came when waiting times out', async () => {
    sink.setBehaviour({ dropAfterData: 1 });
    await expect(send(sink.port, '<dropped@acme.fr>')).rejects.toThrow();
    expect(sink.received.map((m) => m.messageId)).toEqual(['<dropped@acme.fr>']);
    await expect(sink.waitForCount(2, 200)).rejects.toThrow('1 of 2 mails received within 200 ms');
  });
});

describe('GarbageSmtpServer', () => {
  it('greets with something that is not SMTP', async () => {
    const garbage = await GarbageSmtpServer.start();
    try {
      await expect(send(garbage.port, '<g@acme.fr>')).rejects.toMatchObject({ code: 'EPROTOCOL' });
    } finally {
      await garbage.stop();
    }
  });
});

describe('smtp-sink-cli as a process', () => {
  let dir: string;
  let child: ChildProcess | undefined;
  let lines: string[];

  async function startCli(port: number): Promise<void> {
    const started = spawn(process.execPath, [CLI, '--port', String(port), '--out', dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = started;
    const reader = createInterface({ input: started.stdout });
    await new Promise<void>((resolve, reject) => {
      started.once('exit', (code) => {
        reject(new Error(`smtp-sink-cli exited with ${String(code)}`));
      });
      reader.on('line', (line) => {
        lines.push(line);
        if (line.startsWith('smtp-sink: listening on ')) resolve();
      });
    });
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'smtp-sink-'));
    lines = [];
  });
  afterEach(async () => {
    if (child) await stopProcess(child, 'SIGTERM');
    child = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes one .eml per mail, prints one line each, and counts across a kill and a restart', async () => {
    const port = await freePort();
    await startCli(port);
    expect(lines[0]).toBe(`smtp-sink: listening on 127.0.0.1:${port}, mails in ${dir}`);
    await send(port, '<first@acme.fr>', 'Société Exemple, été');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(lines[1]).toMatch(
      /^\d{4}-\d\d-\d\dT\S+Z mail from alice@acme\.fr to bob@client\.fr, carol@client\.fr subject "Société Exemple, été" \S+\.eml$/,
    );

    if (child) await stopProcess(child, 'SIGKILL');
    await startCli(port);
    await send(port, '<second@acme.fr>');
    const mails = readMailDir(dir);
    expect(mails.map((m) => m.messageId)).toEqual(['<first@acme.fr>', '<second@acme.fr>']);
    expect(mails[0]?.from).toBe('alice@acme.fr');
    expect(mails[0]?.to).toEqual(['bob@client.fr', 'carol@client.fr']);
    expect(mails[0]?.raw.toString('utf8')).toMatch(/^(?!Return-Path)[\s\S]*Un mot\./);
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses bad arguments with one line', () => {
    for (const [args, message] of [
      [['--port', '1025'], '--out DIR is required'],
      [['--out', dir, '--port', 'abc'], '--port must be a port number'],
      [['--out', dir, '--auth', 'nopassword'], '--auth must be USER:PASSWORD'],
      [['--out', dir, '--reject', '('], '--reject must be a regular expression'],
    ] as const) {
      const run = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
      expect(run.status).toBe(1);
      expect(run.stderr.trim().split('\n')).toEqual([expect.stringContaining(message)]);
    }
  });
});
