import {
  CursorCodec,
  createRepositories,
  runInTenantTransaction,
  type Repositories,
} from '@outreach/db';
import type { OrganisationId } from '@outreach/db';
import type { DataSource } from 'typeorm';

/** Test helpers of the tracker's e2e specs: tenant reads and writes through the repositories. */
const codec = new CursorCodec('tracker-e2e-cursor-secret');

export function inOrg<T>(
  dataSource: DataSource,
  organisationId: OrganisationId,
  work: (repos: Repositories) => Promise<T>,
): Promise<T> {
  return runInTenantTransaction(dataSource, organisationId, (manager) =>
    work(createRepositories(manager, codec)),
  );
}

/** Marks the message sent at `sentAt` (default: an hour ago, well outside the too-soon window). */
export async function markSent(
  dataSource: DataSource,
  organisationId: OrganisationId,
  messageId: string,
  sentAt = new Date(Date.now() - 3_600_000),
): Promise<void> {
  await inOrg(dataSource, organisationId, (repos) =>
    repos.messages.update(organisationId, messageId, { status: 'sent', sentAt }),
  );
}

/** A new outbound message of the organisation, sent an hour ago, with its pixel: the token. */
export async function sentMessageToken(
  dataSource: DataSource,
  organisationId: OrganisationId,
  positionId: string,
  toEmail: string,
): Promise<{ messageId: string; token: string }> {
  return inOrg(dataSource, organisationId, async (repos) => {
    const message = await repos.messages.create(organisationId, {
      direction: 'outbound',
      status: 'sent',
      sentAt: new Date(Date.now() - 3_600_000),
      positionId,
      fromEmail: 'sales@example.com',
      toEmail,
    });
    const pixel = await repos.pixels.create(organisationId, { messageId: message.id });
    return { messageId: message.id, token: pixel.token };
  });
}

export const THUNDERBIRD =
  'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Thunderbird/128.5.0';

/** GET a pixel without keep-alive; returns status, content type and body bytes. */
export async function fetchPixel(
  url: string,
  headers: Record<string, string> = { 'user-agent': THUNDERBIRD },
): Promise<{ status: number; type: string | null; bytes: Buffer }> {
  const response = await fetch(url, { headers: { connection: 'close', ...headers } });
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    bytes: Buffer.from(await response.arrayBuffer()),
  };
}

/** Polls `read` until `done` holds or `timeoutMs` passes; returns the last value read. */
export async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A counter's value in Prometheus text (0 when absent). */
export function metricValue(text: string, name: string, labels = ''): number {
  const line = text
    .split('\n')
    .find((candidate) => candidate.startsWith(`${name}${labels ? `{${labels}}` : ''} `));
  return line ? Number(line.split(' ').at(-1)) : 0;
}
