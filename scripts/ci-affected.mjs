#!/usr/bin/env node
// The packages CI checks for a change (.github/workflows/ci.yml runs one matrix job per package):
// every workspace package a changed file belongs to AND every package that depends on it
// (turbo's `...@outreach/x` filter, devDependencies included), plus the packages whose tests
// read the changed files outside any package. A change to what every package's checks depend on
// (root manifests, lockfile, turbo/tsconfig/eslint/jest config, bootstrap, this script, the CI
// workflow) selects them all. Prints a JSON array of package names; with GITHUB_OUTPUT set it
// also writes `packages=<that array>` there.
import { execFileSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const root = join(import.meta.dirname, '..');
const HELP = `usage: node scripts/ci-affected.mjs --base REF   files changed between REF and HEAD (REF...HEAD)
       node scripts/ci-affected.mjs FILE...      these changed files (paths from the repository root)
       node scripts/ci-affected.mjs --all        every workspace package`;

/** Outside the packages, read by every package's lint, typecheck or tests. */
const GLOBAL = [
  /^package\.json$/,
  /^pnpm-lock\.yaml$/,
  /^pnpm-workspace\.yaml$/,
  /^turbo\.json$/,
  /^tsconfig\.base\.json$/,
  /^eslint\.config\.js$/,
  /^jest\.preset\.js$/,
  /^\.npmrc$/,
  /^scripts\/(bootstrap\.sh|ci-affected\.mjs)$/,
  /^\.github\/workflows\/ci\.yml$/,
];

/** Outside the packages, read by some package's tests: [files, package, with its dependents]. */
const READ_BY = [
  // The migrations: every suite that migrates a database depends on @outreach/db.
  [/^infra\/postgres\//, '@outreach/db', true],
  // Compose, the Dockerfile, pgBouncer and backup scripts, workflows, the stack CLI.
  [
    /^(infra\/|docker-compose\.yaml$|Dockerfile$|\.dockerignore$|\.github\/|scripts\/)/,
    '@outreach/devstack',
    false,
  ],
];

/** `turbo ls` (the workspace's own turbo, after `pnpm install`) as [{ name, path }]. */
function turboLs(filters) {
  const out = execFileSync(
    join(root, 'node_modules', '.bin', 'turbo'),
    ['ls', '--output=json', ...filters.map((f) => `--filter=${f}`)],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return JSON.parse(out).packages.items;
}

function affectedPackages(files) {
  const workspace = turboLs([]);
  if (files.some((file) => GLOBAL.some((pattern) => pattern.test(file)))) {
    return workspace.map((p) => p.name).sort();
  }
  const withDependents = new Set();
  const alone = new Set();
  for (const file of files) {
    const owner = workspace.find((p) => file.startsWith(`${p.path}/`));
    if (owner) withDependents.add(owner.name);
    for (const [pattern, name, dependents] of READ_BY) {
      if (pattern.test(file)) (dependents ? withDependents : alone).add(name);
    }
  }
  const names = new Set(alone);
  if (withDependents.size > 0) {
    for (const p of turboLs([...withDependents].map((name) => `...${name}`))) names.add(p.name);
  }
  return [...names].sort();
}

function changedFiles(base) {
  return execFileSync('git', ['diff', '--name-only', `${base}...HEAD`], {
    cwd: root,
    encoding: 'utf8',
  })
    .split('\n')
    .filter(Boolean);
}

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      base: { type: 'string' },
      all: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
} catch (error) {
  process.stderr.write(`ci-affected: ${error.message}\n${HELP}\n`);
  process.exit(1);
}
const { values, positionals } = parsed;
if (values.help || (!values.all && values.base === undefined && positionals.length === 0)) {
  console.log(HELP);
  process.exit(values.help ? 0 : 1);
}
const packages = values.all
  ? turboLs([])
      .map((p) => p.name)
      .sort()
  : affectedPackages(values.base === undefined ? positionals : changedFiles(values.base));
const json = JSON.stringify(packages);
console.log(json);
if (process.env.GITHUB_OUTPUT) appendFileSync(process.env.GITHUB_OUTPUT, `packages=${json}\n`);
