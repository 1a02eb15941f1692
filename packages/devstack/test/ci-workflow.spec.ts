import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/*
 * .github/workflows/ci.yml: one workflow, one matrix job per affected workspace package, where a
 * change to a package selects it and every package that depends on it. The matrix is computed by
 * scripts/ci-affected.mjs; this suite runs that script against the real workspace and compares it
 * with the dependency graph read straight from the package.json files.
 */

const root = join(import.meta.dirname, '..', '..', '..');
const workflows = join(root, '.github', 'workflows');

interface Step {
  id?: string;
  run?: string;
  uses?: string;
}
interface Job {
  needs?: string | string[];
  if?: string;
  outputs?: Record<string, string>;
  strategy?: { matrix?: Record<string, unknown> };
  steps: Step[];
}
const ci = parse(readFileSync(join(workflows, 'ci.yml'), 'utf8')) as {
  on: Record<string, unknown>;
  jobs: Record<string, Job>;
};
const job = (name: string): Job => {
  const found = ci.jobs[name];
  if (!found) throw new Error(`ci.yml has no job ${name}`);
  return found;
};
const runs = (name: string): string[] => job(name).steps.flatMap((step) => step.run ?? []);

interface Manifest {
  name: string;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}
interface WorkspacePackage {
  path: string;
  manifest: Manifest;
}

/** The workspace as pnpm sees it: pnpm-workspace.yaml's `dir/*` globs, each with a package.json. */
function workspacePackages(): WorkspacePackage[] {
  const { packages: globs } = parse(readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8')) as {
    packages: string[];
  };
  return globs.flatMap((glob) => {
    if (!glob.endsWith('/*')) throw new Error(`unexpected workspace glob ${glob}`);
    const parent = glob.slice(0, -2);
    return readdirSync(join(root, parent))
      .map((dir) => `${parent}/${dir}`)
      .filter((path) => existsSync(join(root, path, 'package.json')))
      .map((path) => ({
        path,
        manifest: JSON.parse(readFileSync(join(root, path, 'package.json'), 'utf8')) as Manifest,
      }));
  });
}

/** `name` and every workspace package that depends on it, directly or not (dev included). */
function withDependents(name: string, all: WorkspacePackage[]): string[] {
  const found = new Set([name]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const { manifest } of all) {
      if (found.has(manifest.name)) continue;
      const deps = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies });
      if (deps.some((dep) => found.has(dep))) {
        found.add(manifest.name);
        grew = true;
      }
    }
  }
  return [...found].sort();
}

const SCRIPT = join(root, 'scripts', 'ci-affected.mjs');
const scriptEnv = { ...process.env };
delete scriptEnv.GITHUB_OUTPUT;
delete scriptEnv.NODE_OPTIONS;

function affected(args: string[]): string[] {
  const out = execFileSync(process.execPath, [SCRIPT, ...args], {
    cwd: root,
    env: scriptEnv,
    encoding: 'utf8',
  });
  return JSON.parse(out) as string[];
}

async function affectedAsync(args: string[]): Promise<string[]> {
  const { stdout } = await promisify(execFile)(process.execPath, [SCRIPT, ...args], {
    cwd: root,
    env: scriptEnv,
    encoding: 'utf8',
  });
  return JSON.parse(stdout) as string[];
}

const all = workspacePackages();
const allNames = all.map((p) => p.manifest.name).sort();

describe('.github/workflows', () => {
  it('holds one CI workflow (plus the Flyway interoperability check), no per-package copies', () => {
    expect(readdirSync(workflows).sort()).toEqual(['ci.yml', 'flyway-interop.yml']);
    expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push', 'workflow_dispatch']);
  });

  it('checks formatting once with prettier --check .', () => {
    expect(runs('format')).toContain('pnpm exec prettier --check .');
  });

  it('runs one matrix job per affected package: its lint, typecheck and tests only', () => {
    const check = job('check');
    expect(check.needs).toBe('affected');
    expect(check.strategy?.matrix).toEqual({
      package: '${{ fromJSON(needs.affected.outputs.packages) }}',
    });
    expect(check.if).toBe("needs.affected.outputs.packages != '[]'");
    // `--filter=pkg` (not `pkg...` nor `...pkg`): the matrix already holds the dependents.
    expect(runs('check')).toContain(
      'pnpm exec turbo run lint typecheck test --filter=${{ matrix.package }}',
    );
    expect(job('affected').outputs?.packages).toBe('${{ steps.affected.outputs.packages }}');
    const compute = job('affected').steps.find((step) => step.id === 'affected');
    expect(compute?.run).toContain('node scripts/ci-affected.mjs --base');
  });

  it('covers every workspace package, each with the lint, typecheck and test scripts it runs', () => {
    expect(allNames.length).toBeGreaterThanOrEqual(9);
    expect(affected(['--all'])).toEqual(allNames);
    expect(affected(['turbo.json'])).toEqual(allNames); // root config: everything
    expect(affected(['pnpm-lock.yaml'])).toEqual(allNames);
    for (const { manifest } of all) {
      expect({ name: manifest.name, scripts: Object.keys(manifest.scripts ?? {}) }).toEqual({
        name: manifest.name,
        scripts: expect.arrayContaining(['lint', 'typecheck', 'test']) as unknown,
      });
    }
  });

  it('selects a changed package and every package that depends on it', async () => {
    const selected = await Promise.all(
      all.map(async ({ path }) => ({
        changed: path,
        selected: await affectedAsync([`${path}/src/changed.ts`]),
      })),
    );
    expect(selected).toEqual(
      all.map(({ path, manifest }) => ({
        changed: path,
        selected: withDependents(manifest.name, all),
      })),
    );
    // Today's graph, spelled out: db's suite runs once, then each dependent's once.
    expect(affected(['packages/db/src/changed.ts'])).toEqual([
      '@outreach/api',
      '@outreach/db',
      '@outreach/tenancy',
      '@outreach/tracker',
      '@outreach/worker',
    ]);
  });

  it('maps files outside the packages to the suites that read them', () => {
    expect(affected(['infra/postgres/db/migrations/V99__change.sql'])).toEqual(
      [...withDependents('@outreach/db', all), '@outreach/devstack'].sort(),
    );
    expect(affected(['docker-compose.yaml'])).toEqual(['@outreach/devstack']);
    expect(affected(['Dockerfile'])).toEqual(['@outreach/devstack']);
    expect(affected(['README.md', 'ARCHITECTURE.md'])).toEqual([]);
  });
});
