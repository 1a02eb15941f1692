// Writes fixtures/pharow-sample.csv (UTF-8, `;`, CRLF) and fixtures/pharow-sample-excel.csv
// (the same rows as Windows-1252 with a `;` separator, as Excel saves them) from the seeded
// generator, so the samples are reproducible: `pnpm --filter @outreach/pharow sample`.
import { Buffer } from 'node:buffer';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { generatePharowCsv } from '../dist/sample.js';

const dir = join(import.meta.dirname, '..', 'fixtures');
const csv = generatePharowCsv({ rows: 300, seed: 11, badEvery: 10 });
writeFileSync(join(dir, 'pharow-sample.csv'), csv, 'utf8');
writeFileSync(join(dir, 'pharow-sample-excel.csv'), Buffer.from(csv, 'latin1'));
process.stdout.write(
  `wrote ${dir}/pharow-sample.csv and pharow-sample-excel.csv (300 rows, 30 bad)\n`,
);
