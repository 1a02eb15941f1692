import { spawn, type ChildProcess } from 'node:child_process';
import { requireBinary } from './system-binary.js';
import { isPortInUse } from './ports.js';
import { lastLines, stopProcess } from './child-process.js';

export interface RedisServerOptions {
  port: number;
  /** Directory for Redis' working files; nothing is persisted (no RDB, no AOF). */
  dir?: string;
}

/** A throw-away redis-server (Debian package redis-server), no persistence. */
export class RedisServer {
  private process: ChildProcess | undefined;

  constructor(private readonly options: RedisServerOptions) {}

  get url(): string {
    return `redis://127.0.0.1:${this.options.port}`;
  }

  get port(): number {
    return this.options.port;
  }

  async start(): Promise<void> {
    if (this.process) return;
    const binary = requireBinary('redis-server', 'redis-server');
    if (await isPortInUse(this.options.port)) {
      throw new Error(
        `port ${this.options.port} is already in use: stop what listens there or choose another port`,
      );
    }
    const args = [
      '--port',
      String(this.options.port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
    ];
    if (this.options.dir) args.push('--dir', this.options.dir);
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.process = child;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer): void => {
        output += chunk.toString('utf8');
        if (output.includes('Ready to accept connections')) resolve();
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('error', reject);
      child.once('exit', (code) => {
        this.process = undefined;
        reject(
          new Error(
            `redis-server exited during start-up (code ${code ?? 'null'}): ${lastLines(output, 3)}`,
          ),
        );
      });
    });
  }

  async stop(): Promise<void> {
    const child = this.process;
    if (!child) return;
    this.process = undefined;
    await stopProcess(child, 'SIGTERM');
  }
}
