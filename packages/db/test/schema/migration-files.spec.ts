import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  CORE_MIGRATIONS,
  MIGRATIONS_DIR,
  compareVersions,
  readMigration,
  undoScriptOf,
  versionedMigrations,
} from './migration-files.js';

describe('migration files', () => {
  it('starts with the six SPEC files, in this order', () => {
    expect(versionedMigrations().slice(0, 6)).toEqual([...CORE_MIGRATIONS]);
  });

  it('gives every versioned migration an undo script, and every undo script a migration', () => {
    const files = readdirSync(MIGRATIONS_DIR);
    for (const file of versionedMigrations()) {
      expect({ file, undo: existsSync(join(MIGRATIONS_DIR, undoScriptOf(file))) }).toEqual({
        file,
        undo: true,
      });
    }
    for (const undo of files.filter((name) => name.startsWith('U'))) {
      expect(files).toContain(`V${undo.slice(1)}`);
    }
  });

  it('keeps every migration and undo file free of Flyway placeholders and non-transactional statements', () => {
    for (const file of versionedMigrations().flatMap((name) => [name, undoScriptOf(name)])) {
      const sql = readMigration(file);
      expect({ file, placeholder: sql.includes('${') }).toEqual({ file, placeholder: false });
      expect({
        file,
        nonTransactional:
          /\b(CONCURRENTLY|VACUUM|ALTER\s+SYSTEM|CREATE\s+DATABASE|DROP\s+DATABASE)\b/i.test(sql),
      }).toEqual({ file, nonTransactional: false });
      expect({ file, explicitTransaction: /^\s*(BEGIN|COMMIT|ROLLBACK)\s*;/im.test(sql) }).toEqual({
        file,
        explicitTransaction: false,
      });
    }
  });

  it('avoids syntax that PostgreSQL 15 to 17 lack', () => {
    for (const file of versionedMigrations().flatMap((name) => [name, undoScriptOf(name)])) {
      const sql = readMigration(file);
      expect({
        file,
        pg18Only:
          /\buuidv7\s*\(|\bVIRTUAL\b|\bWITHOUT\s+OVERLAPS\b|NOT\s+NULL\s+NOT\s+VALID/i.test(sql) ||
          // [NOT] ENFORCED foreign keys only behind a server version check (V20251230_100000).
          (/\bNOT\s+ENFORCED\b|\bALTER\s+CONSTRAINT\s+\w+\s+ENFORCED\b/i.test(sql) &&
            !/current_setting\('server_version_num'\)::int >= 180000/.test(sql)),
      }).toEqual({
        file,
        pg18Only: false,
      });
    }
  });

  it('orders versions numerically, part by part', () => {
    expect(compareVersions('V2__a.sql', 'V10__a.sql')).toBeLessThan(0);
    expect(compareVersions('V20251223_125614__a.sql', 'V20251223_112543__b.sql')).toBeGreaterThan(
      0,
    );
    expect(compareVersions('V1_0__a.sql', 'V1__b.sql')).toBe(0);
  });
});
