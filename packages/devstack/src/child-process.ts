import type { ChildProcess } from 'node:child_process';

/**
 * Sends `signal` to a server process and resolves once it has exited; escalates to SIGKILL
 * after `timeoutMs`. Resolves at once for a process that already exited.
 */
export async function stopProcess(
  child: ChildProcess,
  signal: NodeJS.Signals,
  timeoutMs = 10_000,
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}

/** The last lines of a server's output, on one line, for a start-up error message. */
export function lastLines(text: string, count = 5): string {
  return text.trim().split('\n').slice(-count).join(' | ');
}
