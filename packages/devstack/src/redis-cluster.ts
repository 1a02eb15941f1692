import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { lastLines, stopProcess } from './child-process.js';
import { freePort } from './ports.js';
import { requireBinary } from './system-binary.js';

const run = promisify(execFile);

export interface RedisClusterOptions {
  /** Masters (default 3: the fewest `redis-cli --cluster create` accepts). */
  masters?: number;
  /** Replicas per master (default 1, so a master can fail over). */
  replicasPerMaster?: number;
  /** `cluster-node-timeout`: how long a master may be silent before its replica takes over. */
  nodeTimeoutMs?: number;
}

/** One row of a node's CLUSTER NODES: how that node sees a member of the cluster. */
interface ClusterRow {
  id: string;
  port: number;
  flags: string[];
  /** The master's id for a replica, else undefined. */
  masterId: string | undefined;
  link: string;
  /** Slot ranges served (`0-5460`, `7000`), masters only. */
  slots: string[];
}

interface ClusterNode {
  port: number;
  busPort: number;
  dir: string;
  process: ChildProcess | undefined;
  output: string;
}

/**
 * A throw-away Redis Cluster on 127.0.0.1 (Debian package redis-server, Redis ≥ 7): each node a
 * `redis-server --cluster-enabled yes` on a free port with its own free bus port
 * (`cluster-port`) and directory, no persistence; joined by `redis-cli --cluster create …
 * --cluster-replicas N --cluster-yes`. `start()` resolves once every node sees every master with
 * its replicas and each master streams its writes to them. Replication stays asynchronous: a
 * failover keeps a write once its replica has it (`script([\`SET …\`, 'WAIT 1 5000'], master)`:
 * WAIT in the writing connection). `killMasterOf(key)` SIGKILLs the master serving a key's slot
 * and waits until that master's replica serves the slot, as every node sees it.
 */
export class RedisCluster {
  private readonly nodes: ClusterNode[] = [];
  private root: string | undefined;

  private constructor(private readonly options: Required<RedisClusterOptions>) {}

  static async start(options: RedisClusterOptions = {}): Promise<RedisCluster> {
    const cluster = new RedisCluster({
      masters: options.masters ?? 3,
      replicasPerMaster: options.replicasPerMaster ?? 1,
      nodeTimeoutMs: options.nodeTimeoutMs ?? 2_000,
    });
    try {
      await cluster.boot();
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  /** `host:port` of every node, comma-separated: a REDIS_CLUSTER_NODES value. */
  get nodesVariable(): string {
    return this.nodes.map((node) => `127.0.0.1:${node.port}`).join(',');
  }

  /** The startup nodes, for an ioredis Cluster. */
  get startupNodes(): Array<{ host: string; port: number }> {
    return this.nodes.map((node) => ({ host: '127.0.0.1', port: node.port }));
  }

  /** Runs redis-cli against one node (a live one unless `port` is given). */
  async cli(args: string[], port?: number): Promise<string> {
    const target = port ?? this.nodes.find((node) => node.process)?.port;
    if (target === undefined) throw new Error('no Redis Cluster node is running');
    const { stdout } = await run(requireBinary('redis-cli', 'redis-tools'), [
      '-h',
      '127.0.0.1',
      '-p',
      String(target),
      ...args,
    ]);
    return stdout.trim();
  }

  /**
   * Sends `commands` (one a line, e.g. `READONLY`, `GET k`) through ONE redis-cli connection, for
   * what holds per connection: READONLY on a replica, and WAIT, which counts the replicas that
   * have this connection's last write (a WAIT from another connection returns at once).
   */
  async script(commands: string[], port?: number): Promise<string> {
    const target = port ?? this.nodes.find((node) => node.process)?.port;
    if (target === undefined) throw new Error('no Redis Cluster node is running');
    const child = spawn(requireBinary('redis-cli', 'redis-tools'), [
      '-h',
      '127.0.0.1',
      '-p',
      String(target),
    ]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.stdin.end(`${commands.join('\n')}\n`);
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', resolve);
    });
    if (code !== 0) throw new Error(`redis-cli -p ${target} exited (${code ?? 'null'}): ${stderr}`);
    return stdout.trim();
  }

  /** Port of the master that serves `key`'s slot now (from a live node's CLUSTER NODES). */
  async masterOf(key: string, port?: number): Promise<number> {
    const slot = Number(await this.cli(['CLUSTER', 'KEYSLOT', key], port));
    const rows = await this.view(port);
    const master = rows.find(
      (row) => row.flags.includes('master') && !row.flags.includes('fail') && serves(row, slot),
    );
    if (!master) throw new Error(`no master serves slot ${slot} (${key}): ${summary(rows)}`);
    return master.port;
  }

  /** Ports of the replicas of the master on `port`, as that master knows them. */
  async replicasOf(port: number): Promise<number[]> {
    return (await this.replicaRows(port)).map((row) => row.port);
  }

  /**
   * SIGKILLs the master serving `key` (no goodbye: its replica promotes itself after
   * `nodeTimeoutMs`) and resolves once one of that master's replicas reports itself master of the
   * slot and every live node sees it so with `cluster_state:ok`. Returns the old and the new
   * master's ports.
   */
  async killMasterOf(key: string, timeoutMs = 30_000): Promise<{ from: number; to: number }> {
    const slot = Number(await this.cli(['CLUSTER', 'KEYSLOT', key]));
    const from = await this.masterOf(key);
    const node = this.nodes.find((candidate) => candidate.port === from);
    if (!node?.process) throw new Error(`master ${from} is not one of this cluster's processes`);
    // Its replicas, as the master itself knows them: only one of these can take over.
    const replicas = await this.replicaRows(from);
    if (replicas.length === 0) throw new Error(`master ${from} has no replica`);
    const child = node.process;
    node.process = undefined;
    await stopProcess(child, 'SIGKILL');
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    for (;;) {
      try {
        const to = await this.promoted(replicas, slot);
        if (to !== undefined) {
          const live = this.nodes.filter((candidate) => candidate.process);
          const agreed = await Promise.all(
            live.map(async ({ port }) => {
              const info = await this.cli(['CLUSTER', 'INFO'], port);
              return info.includes('cluster_state:ok') && (await this.masterOf(key, port)) === to;
            }),
          );
          if (agreed.every(Boolean)) return { from, to };
          last = `replica ${to} took over, not every node sees it yet`;
        } else {
          last = `no replica of ${from} (${replicas.map((row) => row.port).join(', ')}) is master yet`;
        }
      } catch (error) {
        last = error; // a node in the middle of the election: ask again
      }
      if (Date.now() > deadline) {
        throw new Error(`no replica took over from master ${from}: ${String(last)}`);
      }
      await sleep(200);
    }
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.nodes.map(async (node) => {
        const child = node.process;
        node.process = undefined;
        if (child) await stopProcess(child, 'SIGTERM', 5_000);
      }),
    );
    if (this.root) rmSync(this.root, { recursive: true, force: true });
    this.root = undefined;
  }

  private async boot(): Promise<void> {
    const binary = requireBinary('redis-server', 'redis-server');
    this.root = mkdtempSync(join(tmpdir(), 'redis-cluster-'));
    const count = this.options.masters * (1 + this.options.replicasPerMaster);
    for (let index = 0; index < count; index += 1) {
      const dir = join(this.root, String(index));
      mkdirSync(dir);
      this.nodes.push({
        port: await freePort(),
        busPort: await freePort(),
        dir,
        process: undefined,
        output: '',
      });
    }
    await Promise.all(this.nodes.map((node) => this.startNode(binary, node)));
    await this.cli([
      '--cluster',
      'create',
      ...this.nodes.map((node) => `127.0.0.1:${node.port}`),
      '--cluster-replicas',
      String(this.options.replicasPerMaster),
      '--cluster-yes',
    ]);
    // `--cluster create` returns once the slots are assigned and the replicas told whom to follow;
    // gossip spreads the replicas' roles later (a node may still list all six as masters, and a
    // master refuses its vote to a replica it takes for a master), so wait until every node agrees.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const last = await this.formed();
      if (last === '') break;
      if (Date.now() > deadline) throw new Error(`the Redis Cluster did not form: ${last}`);
      await sleep(200);
    }
    // A replica that loaded the master's RDB from a socket (diskless sync) shows
    // master_link_status:up at once, but its master streams writes to it only from the replica's
    // next REPLCONF ACK (up to a second later): a write in between waits in the master's buffer
    // and dies with it when the master is killed, while the replica is promoted without it. So
    // prove each master's stream: a probe key on each master, and WAIT in the same connection
    // until all its replicas have it (then the same for its deletion).
    const wanted = this.options.replicasPerMaster;
    const probes = await this.probeKeys();
    for (const [port, probe] of probes) {
      for (const write of [`SET ${probe} replicated`, `DEL ${probe}`]) {
        for (;;) {
          const replies = (await this.script([write, `WAIT ${wanted} 1000`], port)).split('\n');
          const acked = Number(replies.at(-1));
          if (acked >= wanted) break;
          if (Date.now() > deadline) {
            throw new Error(`master ${port} does not replicate its writes (${replies.join(' ')})`);
          }
        }
      }
    }
  }

  /** '' once every node's CLUSTER NODES and INFO agree on a formed cluster, else what is missing. */
  private async formed(): Promise<string> {
    const { masters, replicasPerMaster } = this.options;
    for (const node of this.nodes) {
      try {
        const info = await this.cli(['CLUSTER', 'INFO'], node.port);
        if (!info.includes('cluster_state:ok')) return `${node.port}: ${info.split('\n')[0] ?? ''}`;
        const rows = await this.view(node.port);
        const masterRows = rows.filter((row) => row.flags.includes('master'));
        const replicaRows = rows.filter((row) => row.flags.includes('slave'));
        const bad = rows.filter(
          (row) =>
            row.link !== 'connected' ||
            row.flags.some((flag) => ['fail', 'fail?', 'handshake', 'noaddr'].includes(flag)),
        );
        if (
          rows.length !== this.nodes.length ||
          bad.length > 0 ||
          masterRows.length !== masters ||
          masterRows.some(
            (master) =>
              master.slots.length === 0 ||
              replicaRows.filter((row) => row.masterId === master.id).length !== replicasPerMaster,
          )
        ) {
          return `${node.port} sees ${summary(rows)}`;
        }
        const self = rows.find((row) => row.flags.includes('myself'));
        if (self?.flags.includes('slave')) {
          const replication = await this.cli(['INFO', 'replication'], node.port);
          if (
            !replication.includes('master_link_status:up') ||
            !replication.includes('master_sync_in_progress:0')
          ) {
            return `replica ${node.port} not in sync`;
          }
        }
      } catch (error) {
        return `${node.port}: ${String(error)}`;
      }
    }
    return '';
  }

  /** For each master's port, a key of a slot it serves (`{devstack-probe-N}`). */
  private async probeKeys(): Promise<Map<number, string>> {
    const masters = (await this.view()).filter((row) => row.flags.includes('master'));
    const probes = new Map<number, string>();
    for (let index = 0; probes.size < masters.length && index < 1_000; index += 1) {
      const key = `{devstack-probe-${index}}`;
      const slot = Number(await this.cli(['CLUSTER', 'KEYSLOT', key]));
      const master = masters.find((row) => serves(row, slot));
      if (master && !probes.has(master.port)) probes.set(master.port, key);
    }
    return probes;
  }

  /** The replicas of the master on `port`, from that master's own CLUSTER NODES. */
  private async replicaRows(port: number): Promise<ClusterRow[]> {
    const rows = await this.view(port);
    const self = rows.find((row) => row.flags.includes('myself'));
    if (!self?.flags.includes('master')) throw new Error(`node ${port} is not a master`);
    return rows.filter((row) => row.masterId === self.id);
  }

  /** A node's CLUSTER NODES, parsed (a live node's unless `port` is given). */
  private async view(port?: number): Promise<ClusterRow[]> {
    const table = await this.cli(['CLUSTER', 'NODES'], port);
    // <id> <ip:port@bus> <flags> <master> <ping> <pong> <epoch> <link> <slot or range>…
    return table
      .split('\n')
      .map((line) => line.trim().split(' '))
      .filter((fields) => fields.length >= 8)
      .map((fields) => ({
        id: fields[0] ?? '',
        port: Number(fields[1]?.split('@')[0]?.split(':').pop()),
        flags: fields[2]?.split(',') ?? [],
        masterId: fields[3] === '-' ? undefined : fields[3],
        link: fields[7] ?? '',
        slots: fields.slice(8).filter((range) => !range.startsWith('[')),
      }));
  }

  /** The port of the one of `replicas` that reports itself master serving `slot`, if any. */
  private async promoted(replicas: ClusterRow[], slot: number): Promise<number | undefined> {
    for (const replica of replicas) {
      if (!this.nodes.some((node) => node.port === replica.port && node.process)) continue;
      const replication = await this.cli(['INFO', 'replication'], replica.port).catch(() => '');
      if (!replication.includes('role:master')) continue;
      const self = (await this.view(replica.port)).find((row) => row.flags.includes('myself'));
      if (self && serves(self, slot)) return replica.port;
    }
    return undefined;
  }

  private async startNode(binary: string, node: ClusterNode): Promise<void> {
    const child = spawn(
      binary,
      [
        '--port',
        String(node.port),
        '--cluster-port',
        String(node.busPort),
        '--bind',
        '127.0.0.1',
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        join(node.dir, 'nodes.conf'),
        '--cluster-node-timeout',
        String(this.options.nodeTimeoutMs),
        '--dir',
        node.dir,
        '--save',
        '',
        '--appendonly',
        'no',
        // Replicas sync at once (a replica that never synced cannot take over).
        '--repl-diskless-sync-delay',
        '0',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    node.process = child;
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer): void => {
        node.output = (node.output + chunk.toString('utf8')).slice(-10_000);
        if (node.output.includes('Ready to accept connections')) resolve();
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('error', reject);
      child.once('exit', (code) => {
        if (node.process === child) node.process = undefined;
        reject(
          new Error(
            `redis-server (cluster node ${node.port}) exited (code ${code ?? 'null'}): ${lastLines(node.output, 3)}`,
          ),
        );
      });
    });
  }
}

function serves(row: ClusterRow, slot: number): boolean {
  return row.slots.some((range) => {
    const [start, end] = range.split('-').map(Number);
    return start !== undefined && slot >= start && slot <= (end ?? start);
  });
}

function summary(rows: ClusterRow[]): string {
  return rows
    .map((row) => `${row.port} ${row.flags.join(',')} ${row.link} ${row.slots.join(' ')}`.trim())
    .join(' | ');
}

async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}
