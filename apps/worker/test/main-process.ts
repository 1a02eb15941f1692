import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort } from '@outreach/devstack';
import { eventually } from './delivery/engine-fixture.js';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

/** The built worker (`node dist/main.js`) as a child process, for signal and Bull Board tests. */
export interface MainProcess {
  url: string;
  /** Resolves with the exit signal or `code N`. */
  exited: Promise<string>;
  /** What the worker wrote on stderr (kept for failure messages). */
  log: () => string;
  kill: (signal: NodeJS.Signals) => Promise<string>;
}

/** Starts `dist/main.js` with `env` (plus PORT, HOST) and waits for /health/live. */
export async function startMain(env: Record<string, string>): Promise<MainProcess> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build @outreach/worker first`);
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [MAIN], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env, HOST: '127.0.0.1', PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-20_000);
  });
  let gone = false;
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => {
      gone = true;
      resolve(signal ?? `code ${String(code)}`);
    });
  });
  const url = `http://127.0.0.1:${String(port)}`;
  const started: MainProcess = {
    url,
    exited,
    log: () => stderr,
    kill: async (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  try {
    await eventually(
      async () => {
        if (gone) throw new Error(`the worker exited at start: ${stderr}`);
        const response = await fetch(`${url}/health/live`).catch(() => undefined);
        return response?.status === 200 ? true : undefined;
      },
      30_000,
      'the worker process to be live',
    );
  } catch (error) {
    await started.kill('SIGKILL');
    throw error;
  }
  return started;
}
