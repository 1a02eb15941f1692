import { execFileSync } from 'node:child_process';

/** Path of a system binary, or an error naming the Debian package that provides it. */
export function requireBinary(binary: string, debianPackage: string): string {
  for (const candidate of [binary, `/usr/sbin/${binary}`, `/usr/bin/${binary}`]) {
    try {
      return execFileSync('sh', ['-c', `command -v ${candidate}`], { encoding: 'utf8' }).trim();
    } catch {
      // try the next location
    }
  }
  throw new Error(`${binary} not found: install it (as root: apt-get install -y ${debianPackage})`);
}
