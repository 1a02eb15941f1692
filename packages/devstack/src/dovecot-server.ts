import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { lastLines, stopProcess } from './child-process.js';
import { isPortInUse } from './ports.js';
import { serviceIdentity } from './process-user.js';
import { requireBinary } from './system-binary.js';

export interface DovecotUser {
  username: string;
  password: string;
}

export interface DovecotServerOptions {
  /** IMAP port on 127.0.0.1 (plain IMAP; STARTTLS is not offered). */
  port: number;
  /** Users of a passwd-file (plain passwords: a throw-away server for tests). */
  users: DovecotUser[];
  /**
   * A folder every user gets at login (Dovecot `auto = create`) carrying the `\Sent` special-use
   * flag (RFC 6154), e.g. `'Sent'`. Unset: users have only INBOX and what they create.
   */
  sentFolder?: string;
  /**
   * More folders every user gets at login (`auto = create`), each with an optional special-use
   * flag, e.g. `{ name: 'Junk', specialUse: '\\Junk' }` or `{ name: 'Bounces' }`.
   */
  folders?: { name: string; specialUse?: string }[];
}

const START_TIMEOUT_MS = 15_000;

/**
 * A throw-away IMAP server (Debian package dovecot-imapd) on 127.0.0.1: its own configuration,
 * base and state directories in a temporary directory, users from a passwd-file, maildirs
 * there too, no TLS, plain-text login allowed, logs on stderr. Dovecot's master may run as root
 * (it drops privileges itself) but never lets a mail process run as uid 0: as root, mail runs as
 * the unprivileged service user (`postgres`, created when missing) and Dovecot's own processes
 * as the package's `dovecot` / `dovenull` users; otherwise everything runs as the current user.
 */
export class DovecotServer {
  private process: ChildProcess | undefined;
  private dir: string | undefined;
  private mailOwner: { uid?: number | undefined; gid?: number | undefined } | undefined;

  constructor(private readonly options: DovecotServerOptions) {}

  get host(): string {
    return '127.0.0.1';
  }

  get port(): number {
    return this.options.port;
  }

  async start(): Promise<void> {
    if (this.process) return;
    requireBinary('dovecot', 'dovecot-imapd');
    // After kill(), Dovecot's children notice their master died and exit: wait for the port.
    for (let waited = 0; this.dir && waited < 5_000 && (await isPortInUse(this.options.port));) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      waited += 100;
    }
    if (await isPortInUse(this.options.port)) {
      throw new Error(
        `port ${this.options.port} is already in use: stop what listens there or choose another port`,
      );
    }
    const sent = this.options.sentFolder;
    if (sent !== undefined && (sent.trim() === '' || /["\\\r\n]/.test(sent))) {
      throw new Error(
        `dovecot sentFolder ${JSON.stringify(sent)}: a non-empty name without quotes, backslashes or line breaks`,
      );
    }
    for (const user of this.options.users) {
      if (/[:\s]/.test(user.username) || /[:\n]/.test(user.password)) {
        throw new Error(`dovecot user ${user.username}: no ':' or line breaks in a passwd-file`);
      }
    }
    for (const folder of this.options.folders ?? []) {
      if (folder.name.trim() === '' || /["\\\r\n./]/.test(folder.name)) {
        throw new Error(
          `dovecot folder ${JSON.stringify(folder.name)}: a non-empty name without quotes, backslashes, dots, slashes or line breaks`,
        );
      }
    }
    if (this.dir) {
      // Restart after kill(): same configuration, same mail.
      await this.spawnDovecot(this.dir);
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'outreach-dovecot-'));
    this.dir = dir;
    chmodSync(dir, 0o755);
    for (const sub of ['run', 'state', 'home']) mkdirSync(join(dir, sub));
    const root = userInfo().uid === 0;
    const mail = root ? serviceIdentity() : { uid: userInfo().uid, gid: userInfo().gid };
    this.mailOwner = root ? mail : undefined;
    if (root && mail.uid !== undefined && mail.gid !== undefined) {
      chownSync(join(dir, 'home'), mail.uid, mail.gid);
    }
    const passwd = join(dir, 'passwd');
    writeFileSync(
      passwd,
      this.options.users.map((u) => `${u.username}:{PLAIN}${u.password}::::::\n`).join(''),
      { mode: 0o644 },
    );
    const config = join(dir, 'dovecot.conf');
    writeFileSync(config, this.config(dir, passwd, root, mail.uid ?? 0, mail.gid ?? 0));
    await this.spawnDovecot(dir);
  }

  private async spawnDovecot(dir: string): Promise<void> {
    const binary = requireBinary('dovecot', 'dovecot-imapd');
    const config = join(dir, 'dovecot.conf');
    const child = spawn(binary, ['-F', '-c', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.process = child;
    let output = '';
    const collect = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const exited = new Promise<never>((_resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => {
        this.process = undefined;
        reject(
          new Error(
            `dovecot exited during start-up (code ${code ?? 'null'}): ${lastLines(output, 3)}`,
          ),
        );
      });
    });
    exited.catch(() => undefined);
    await Promise.race([exited, this.waitForGreeting()]);
  }

  /**
   * Kills the server (SIGKILL: connections drop mid-command) and keeps its mail and
   * configuration; `start()` brings the same server back.
   */
  async kill(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (!child) return;
    // The imap and imap-login processes first (Linux /proc), so no session outlives the master.
    for (const pid of descendants(child.pid)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    await stopProcess(child, 'SIGKILL');
  }

  /**
   * Delivers a raw message into a user's folder (`INBOX` or one of `folders`) the way an MDA
   * does with Maildir: written under tmp/, renamed into new/. Dovecot assigns the next UID when
   * a session next looks at the folder. Returns the file's path.
   */
  deliver(username: string, folder: string, raw: Buffer | string): string {
    const dir = this.folderDir(username, folder);
    const name = `${String(Date.now())}.${randomUUID()}.outreach-test`;
    const tmp = join(dir, 'tmp', name);
    writeFileSync(tmp, raw, { mode: 0o600 });
    this.own(tmp);
    const target = join(dir, 'new', name);
    renameSync(tmp, target);
    return target;
  }

  /**
   * Gives a user's folder a new UIDVALIDITY, as when a server rebuilds or recreates a mailbox:
   * Dovecot's UID list and indexes of the folder are removed (the messages stay), so the next
   * session renumbers them from 1 under a new UIDVALIDITY. Call it with the server stopped or
   * no session on that folder.
   */
  resetUidValidity(username: string, folder: string): void {
    const dir = this.folderDir(username, folder);
    for (const entry of readdirSync(dir)) {
      if (entry.startsWith('dovecot')) rmSync(join(dir, entry), { recursive: true, force: true });
    }
    // Messages already seen (cur/) go back to new/, as after a restore.
    for (const entry of readdirSync(join(dir, 'cur'))) {
      renameSync(join(dir, 'cur', entry), join(dir, 'new', entry.replace(/:2,.*$/, '')));
    }
  }

  /** The Maildir directory of a user's folder, created (cur, new, tmp) when missing. */
  private folderDir(username: string, folder: string): string {
    if (!this.dir) throw new Error('dovecot is not started');
    if (!this.options.users.some((user) => user.username === username)) {
      throw new Error(`dovecot has no user ${username}`);
    }
    if (folder !== 'INBOX' && !/^[^./\\"\r\n]+$/.test(folder)) {
      throw new Error(`dovecot folder ${JSON.stringify(folder)}: INBOX or a plain folder name`);
    }
    const home = join(this.dir, 'home', username);
    const maildir = join(home, 'Maildir');
    const dir = folder === 'INBOX' ? maildir : join(maildir, `.${folder}`);
    for (const path of [home, maildir, dir, join(dir, 'cur'), join(dir, 'new'), join(dir, 'tmp')]) {
      if (existsSync(path)) continue;
      try {
        mkdirSync(path, { mode: 0o700 });
      } catch (error) {
        // Dovecot (a session of that user) created it between the check and here: it is its own.
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw error;
      }
      this.own(path);
    }
    return dir;
  }

  /** Files written as root belong to the mail user Dovecot runs as. */
  private own(path: string): void {
    const owner = this.mailOwner;
    if (owner?.uid !== undefined && owner.gid !== undefined) chownSync(path, owner.uid, owner.gid);
  }

  async stop(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (child) await stopProcess(child, 'SIGTERM');
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }

  private config(dir: string, passwd: string, root: boolean, uid: number, gid: number): string {
    const me = userInfo().username;
    return `# Generated by @outreach/devstack for one test run.
base_dir = ${dir}/run
state_dir = ${dir}/state
instance_name = outreach-${this.options.port}
log_path = /dev/stderr
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
# Tests want a refused login at once (the default waits 2 s).
auth_failure_delay = 0
default_internal_user = ${root ? 'dovecot' : me}
default_login_user = ${root ? 'dovenull' : me}
first_valid_uid = ${uid}
mail_location = maildir:${dir}/home/%u/Maildir
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${passwd}
}
userdb {
  driver = static
  args = uid=${uid} gid=${gid} home=${dir}/home/%u
}
${this.sentFolderConfig()}service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${this.options.port}
  }
  inet_listener imaps {
    port = 0
  }
  chroot =
}
service anvil {
  chroot =
}
`;
  }

  /** The default inbox namespace with the Sent folder and the extra folders, when asked for. */
  private sentFolderConfig(): string {
    const sent = this.options.sentFolder;
    const folders = [
      ...(sent === undefined ? [] : [{ name: sent, specialUse: '\\Sent' }]),
      ...(this.options.folders ?? []),
    ];
    if (folders.length === 0) return '';
    const boxes = folders
      .map(
        (folder) => `  mailbox "${folder.name}" {
    auto = create
${folder.specialUse ? `    special_use = ${folder.specialUse}\n` : ''}  }
`,
      )
      .join('');
    return `namespace inbox {
  inbox = yes
${boxes}}
`;
  }

  /** Resolves once the server greets a connection with `* OK`. */
  private async waitForGreeting(): Promise<void> {
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      if (await this.greets()) return;
      if (Date.now() > deadline) {
        throw new Error(`dovecot did not greet on port ${this.options.port} within 15 s`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  private greets(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = connect(this.options.port, '127.0.0.1');
      const done = (ok: boolean): void => {
        socket.destroy();
        resolve(ok);
      };
      socket.setTimeout(1_000, () => {
        done(false);
      });
      socket.once('error', () => {
        done(false);
      });
      socket.on('data', (chunk: Buffer) => {
        if (chunk.toString('utf8').includes('* OK')) done(true);
      });
    });
  }
}

/** Pids of a process's descendants, from /proc (empty where /proc is not Linux's). */
function descendants(root: number | undefined): number[] {
  if (root === undefined || !existsSync('/proc')) return [];
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(join('/proc', entry, 'stat'), 'utf8');
      // pid (comm) state ppid …: comm may hold spaces and parentheses, so read after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const children = parents.get(ppid) ?? [];
      children.push(Number(entry));
      parents.set(ppid, children);
    } catch {
      // The process exited while listing.
    }
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const pid of parents.get(queue.shift() ?? -1) ?? []) {
      found.push(pid);
      queue.push(pid);
    }
  }
  return found;
}
