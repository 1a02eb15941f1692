import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

/** The repository root: eslint.config.js there declares the boundaries. */
const root = fileURLToPath(new URL('../../../', import.meta.url));

/** Lints `code` as if it were the file at `path` (relative to the root); the boundary rules' hits. */
async function boundaryHits(path: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(code, { filePath: `${root}${path}` });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-syntax')
    .map((m) => `${m.ruleId ?? ''}: ${m.message}`);
}

describe('import boundaries (ESLint, the repository config)', () => {
  it('refuses the HTTP part of tenancy in the worker and the tracker', async () => {
    for (const path of ['apps/worker/src/main.ts', 'apps/tracker/src/main.ts']) {
      expect(
        await boundaryHits(path, `export { AccessGuard } from '@outreach/tenancy/http';\n`),
      ).toEqual([
        "no-restricted-imports: '@outreach/tenancy/http' import is restricted from being used by a pattern. The worker and the tracker use the tenancy core (@outreach/tenancy) only.",
      ]);
    }
  });

  it('lets the worker use the tenancy core', async () => {
    expect(
      await boundaryHits(
        'apps/worker/src/main.ts',
        `export { TenantDatabase } from '@outreach/tenancy';\n`,
      ),
    ).toEqual([]);
  });

  it('refuses package internals, drivers and test infrastructure in production code', async () => {
    const hits = await boundaryHits(
      'apps/api/src/main.ts',
      [
        `export { createRepositories } from '@outreach/db/dist/repositories/repositories.factory.js';`,
        `export { Client } from 'pg';`,
        `export { seedOrganisation } from '@outreach/db/testing';`,
        '',
      ].join('\n'),
    );
    expect(hits).toHaveLength(3);
    expect(hits[0]).toMatch(/^no-restricted-imports: .*never its internals/);
    expect(hits[1]).toMatch(/^no-restricted-imports: .*SQL and drivers live in packages\/db/);
    expect(hits[2]).toMatch(/^no-restricted-imports: .*Test infrastructure never ships/);
  });

  it('refuses query() in apps and tenancy: SQL lives in packages/db', async () => {
    const code = [
      `import type { DataSource } from 'typeorm';`,
      `export const count = (dataSource: DataSource): Promise<unknown> =>`,
      `  dataSource.query('SELECT count(*) FROM crm.companies');`,
      '',
    ].join('\n');
    for (const path of ['apps/api/src/main.ts', 'packages/tenancy/src/core/tenant-scope.ts']) {
      expect(await boundaryHits(path, code)).toEqual([
        'no-restricted-syntax: SQL lives in packages/db: call a repository (or @outreach/db/system), not query().',
      ]);
    }
  });

  it('keeps HTTP out of the tenancy core', async () => {
    const hits = await boundaryHits(
      'packages/tenancy/src/core/tenant-scope.ts',
      `export { AccessGuard } from '../http/guards/access.guard.js';\nexport type { FastifyRequest } from 'fastify';\n`,
    );
    expect(hits).toHaveLength(2);
    for (const hit of hits) expect(hit).toMatch(/tenancy core imports nothing from HTTP/);
  });
});
