import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { freePort } from './ports.js';

export interface AppProcessOptions {
  /** The built entry point, e.g. `apps/worker/dist/main.js`. */
  main: string;
  /** Environment on top of this process's (PORT is chosen here, LOG_LEVEL defaults to warn). */
  env: Record<string, string>;
  /** Waits this long for the health check to answer 200 (default 30 s). */
  startTimeoutMs?: number;
  /**
   * What start-up waits for: `live` (`GET /health/live`, the process serves; default) or
   * `ready` (`GET /health/ready`: its PostgreSQL and Redis answer too).
   */
  waitFor?: 'live' | 'ready';
}

/**
 * One of the apps as a real process (`node dist/main.js`) on a free port of 127.0.0.1, for the
 * fault tests, the journey test and the benches: it can be killed with any signal. Its stderr is
 * kept (the last 20,000 characters) for failure messages.
 */
export class AppProcess {
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

  /** Starts `main` with `env` (plus PORT, HOST 127.0.0.1) and waits for /health/live (or ready). */
  static async start(options: AppProcessOptions): Promise<AppProcess> {
    if (!existsSync(options.main)) {
      throw new Error(`${options.main} is missing: build the app first (pnpm turbo build)`);
    }
    const port = await freePort();
    const child = spawn(process.execPath, [options.main], {
      env: {
        ...process.env,
        LOG_LEVEL: 'warn',
        HOST: '127.0.0.1',
        HEALTH_CHECK_TIMEOUT_MS: '500',
        ...options.env,
        PORT: String(port),
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const app = new AppProcess(child, `http://127.0.0.1:${port}`);
    const state = { gone: false };
    void app.exited.then(() => (state.gone = true));
    const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
    const health = options.waitFor ?? 'live';
    for (;;) {
      if (state.gone) throw new Error(`${options.main} exited at start: ${app.log}`);
      const response = await fetch(`${app.url}/health/${health}`, {
        headers: { connection: 'close' },
      }).catch(() => undefined);
      if (response?.status === 200) return app;
      if (Date.now() > deadline) {
        await app.kill('SIGKILL');
        throw new Error(`${options.main} was not ${health} within the time allowed: ${app.log}`);
      }
      await new Promise((done) => setTimeout(done, 100));
    }
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
