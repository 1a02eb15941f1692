import { execFileSync } from 'node:child_process';
import { chownSync } from 'node:fs';
import { userInfo } from 'node:os';

/** uid/gid to spawn a process with, or {} when no switch is needed. */
export interface SpawnIdentity {
  uid?: number;
  gid?: number;
}

const SERVICE_USER = 'postgres';

function lookup(user: string): SpawnIdentity | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    return undefined;
  }
}

/**
 * PostgreSQL refuses to run as root. When we are root, server processes run as the
 * unprivileged `postgres` system user (created when missing); otherwise as ourselves.
 */
export function serviceIdentity(): SpawnIdentity {
  if (userInfo().uid !== 0) return {};
  const existing = lookup(SERVICE_USER);
  if (existing) return existing;
  execFileSync('useradd', ['--system', '--user-group', '--no-create-home', SERVICE_USER]);
  const created = lookup(SERVICE_USER);
  if (!created) throw new Error(`could not create the '${SERVICE_USER}' system user`);
  return created;
}

/** Gives a directory we created to the service user, so the server can write to it. */
export function handOver(path: string, identity: SpawnIdentity): void {
  if (identity.uid !== undefined && identity.gid !== undefined) {
    chownSync(path, identity.uid, identity.gid);
  }
}
