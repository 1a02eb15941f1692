import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppProcess, PgBouncerServer, freePort } from '@outreach/devstack';
import type { SmtpSink } from '@outreach/devstack';
import { TEST_APP_USER, type TestDatabase } from '@outreach/testing';
import type { DataSource } from 'typeorm';
import { eventually, select, type EngineFixture } from './engine-fixture.js';

const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

/**
 * The worker as a real process (`node dist/main.js`, devstack's `AppProcess`), for the fault
 * tests and the bench: it can be killed with any signal; its stderr (LOG_LEVEL warn) is kept for
 * failure messages.
 */
export type WorkerProcess = AppProcess;

/**
 * A pgBouncer (transaction mode, `dir`/pgbouncer) in front of the test database for the apps'
 * login: the started server (the caller stops it) and the URL to give the apps.
 */
export async function startTestBouncer(
  database: TestDatabase,
  dir: string,
  poolSize: number,
): Promise<{ bouncer: PgBouncerServer; url: string }> {
  const admin = new URL(database.url);
  const bouncer = new PgBouncerServer({
    port: await freePort(),
    dir: join(dir, 'pgbouncer'),
    postgres: { host: admin.hostname, port: Number(admin.port) },
    users: [TEST_APP_USER],
    databases: [database.name],
    poolSize,
  });
  await bouncer.start();
  const url = bouncer.url({
    user: TEST_APP_USER.name,
    password: TEST_APP_USER.password,
    database: database.name,
  });
  return { bouncer, url };
}

export const WorkerProcess = {
  /** Starts `dist/main.js` with `env` (plus PORT, LOG_LEVEL warn) and waits for /health/live. */
  start: (env: Record<string, string>): Promise<AppProcess> =>
    AppProcess.start({ main: MAIN, env }),
};

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
