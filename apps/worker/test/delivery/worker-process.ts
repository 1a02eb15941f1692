import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort } from '@outreach/devstack';
import type { SmtpSink } from '@outreach/devstack';
import type { DataSource } from 'typeorm';
import { eventually, select, type EngineFixture } from './engine-fixture.js';

const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

/**
 * The worker as a real process (`node dist/main.js`), for the fault tests and the bench: it can
 * be killed with any signal. Its stderr is kept (LOG_LEVEL warn) for failure messages.
 */
export class WorkerProcess {
  private stderr = '';
  readonly exited: Promise<string>;

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-20_000);
    });
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        resolve(signal ?? `code ${String(code)}`);
      });
    });
  }

  /** Starts `dist/main.js` with `env` (plus PORT, LOG_LEVEL warn) and waits for /health/live. */
  static async start(env: Record<string, string>): Promise<WorkerProcess> {
    if (!existsSync(MAIN)) {
      throw new Error(`${MAIN} is missing: run pnpm --filter @outreach/worker build first`);
    }
    const port = await freePort();
    const child = spawn(process.execPath, [MAIN], {
      env: {
        ...process.env,
        LOG_LEVEL: 'warn',
        HOST: '127.0.0.1',
        HEALTH_CHECK_TIMEOUT_MS: '500',
        ...env,
        PORT: String(port),
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const worker = new WorkerProcess(child, `http://127.0.0.1:${port}`);
    let gone = false;
    void worker.exited.then(() => (gone = true));
    await eventually(
      async () => {
        if (gone) throw new Error(`the worker exited at start: ${worker.log}`);
        const response = await fetch(`${worker.url}/health/live`, {
          headers: { connection: 'close' },
        }).catch(() => undefined);
        return response?.status === 200 ? true : undefined;
      },
      30_000,
      'the worker process to be live',
    );
    return worker;
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  get log(): string {
    return this.stderr;
  }

  /** Sends the signal (SIGKILL: no shutdown at all) and waits for the exit. */
  async kill(signal: NodeJS.Signals = 'SIGTERM'): Promise<string> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }
}

export interface Outcomes {
  /** Tasks completed (their message sent). */
  completed: number;
  /** Tasks failed `uncertain: …` (their message may or may not have gone). */
  uncertain: number;
  /** Tasks in any other state, with their reason (none expected once the run settled). */
  others: Array<{ id: string; status: string; last_error: string | null }>;
  /** Message-IDs of the sent messages. */
  sent: string[];
  /** Message-IDs of the uncertain tasks' messages. */
  uncertainIds: string[];
}

/** Where every task of the fixture's organisation ended. */
export async function outcomes(dataSource: DataSource, fixture: EngineFixture): Promise<Outcomes> {
  const rows = await select<{
    id: string;
    status: string;
    last_error: string | null;
    message_status: string | null;
    message_id: string | null;
  }>(
    dataSource,
    fixture.organisationId,
    `SELECT t.id, t.status, t.last_error, m.status AS message_status, m.message_id
       FROM outreach.tasks t LEFT JOIN outreach.messages m ON m.task_id = t.id`,
  );
  const result: Outcomes = { completed: 0, uncertain: 0, others: [], sent: [], uncertainIds: [] };
  for (const row of rows) {
    if (row.status === 'completed' && row.message_status === 'sent') {
      result.completed += 1;
      result.sent.push(row.message_id ?? '');
    } else if (row.status === 'failed' && row.last_error?.startsWith('uncertain:')) {
      result.uncertain += 1;
      result.uncertainIds.push(row.message_id ?? '');
    } else {
      result.others.push({ id: row.id, status: row.status, last_error: row.last_error });
    }
  }
  return result;
}

/** Waits until every one of `total` tasks ended sent or uncertain (fails with the leftovers). */
export async function settled(
  dataSource: DataSource,
  fixture: EngineFixture,
  total: number,
  timeoutMs: number,
): Promise<Outcomes> {
  let last: Outcomes | undefined;
  try {
    return await eventually(
      async () => {
        last = await outcomes(dataSource, fixture);
        return last.completed + last.uncertain === total ? last : undefined;
      },
      timeoutMs,
      `${total} tasks to end sent or uncertain`,
    );
  } catch (error) {
    const left = last?.others.slice(0, 5) ?? [];
    throw new Error(
      `${String(error)}; completed ${last?.completed}, uncertain ${last?.uncertain}, ` +
        `others ${last?.others.length}: ${JSON.stringify(left)}`,
      { cause: error },
    );
  }
}

/** Mails at the sink per recipient address (a task has one recipient). */
export function countsByRecipient(sink: SmtpSink): Map<string, number> {
  const counts = new Map<string, number>();
  for (const mail of sink.received) {
    for (const to of mail.to) counts.set(to.toLowerCase(), (counts.get(to.toLowerCase()) ?? 0) + 1);
  }
  return counts;
}
