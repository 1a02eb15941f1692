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
 * --cluster-replicas N --cluster-yes`. `killMasterOf(key)` SIGKILLs the master serving a key's
 * slot and waits until its replica has taken over.
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

  /** Port of the master that serves `key`'s slot now (from a live node's CLUSTER NODES). */
  async masterOf(key: string): Promise<number> {
    const slot = Number(await this.cli(['CLUSTER', 'KEYSLOT', key]));
    const table = await this.cli(['CLUSTER', 'NODES']);
    // <id> <ip:port@bus> <flags> <master> <ping> <pong> <epoch> <link> <slot or range>…
    for (const line of table.split('\n')) {
      const fields = line.trim().split(' ');
      const flags = fields[2]?.split(',') ?? [];
      if (!flags.includes('master') || flags.includes('fail')) continue;
      for (const range of fields.slice(8)) {
        const [start, end] = range.split('-').map(Number);
        if (start !== undefined && slot >= start && slot <= (end ?? start)) {
          return Number(fields[1]?.split('@')[0]?.split(':')[1]);
        }
      }
    }
    throw new Error(`no master serves slot ${slot} (${key}): ${lastLines(table, 6)}`);
  }

  /**
   * SIGKILLs the master serving `key` (no goodbye: its replica promotes itself after
   * `nodeTimeoutMs`) and resolves once another node serves that slot and the cluster is ok.
   * Returns the old and the new master's ports.
   */
  async killMasterOf(key: string, timeoutMs = 30_000): Promise<{ from: number; to: number }> {
    const from = await this.masterOf(key);
    const node = this.nodes.find((candidate) => candidate.port === from);
    if (!node?.process) throw new Error(`master ${from} is not one of this cluster's processes`);
    const child = node.process;
    node.process = undefined;
    await stopProcess(child, 'SIGKILL');
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    for (;;) {
      try {
        const info = await this.cli(['CLUSTER', 'INFO']);
        const to = await this.masterOf(key);
        if (info.includes('cluster_state:ok') && to !== from) return { from, to };
        last = `master ${to}; ${info.split('\n')[0] ?? ''}`;
      } catch (error) {
        last = error; // a node in the middle of the election: ask again
      }
      if (Date.now() > deadline) {
        throw new Error(`no replica took over from master ${from}: ${String(last)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
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
    // `--cluster create` returns once the slots are assigned; wait until every node agrees.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const states = await Promise.all(
        this.nodes.map((node) => this.cli(['CLUSTER', 'INFO'], node.port).catch(() => '')),
      );
      const replication = await Promise.all(
        this.nodes.map((node) => this.cli(['INFO', 'replication'], node.port).catch(() => '')),
      );
      const synced = replication.filter((text) => text.includes('master_link_status:up')).length;
      if (
        states.every((state) => state.includes('cluster_state:ok')) &&
        synced === this.options.masters * this.options.replicasPerMaster
      ) {
        return;
      }
      if (Date.now() > deadline) throw new Error(`the Redis Cluster did not form: ${states[0]}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
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
