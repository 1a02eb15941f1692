#!/usr/bin/env node
// Sums the jest results every package wrote (.jest-results.json) and prints one closing line,
// "N passed, N failed", exiting non-zero when a test failed or no test ran.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
let passed = 0;
let failed = 0;
let skipped = 0;
let suitesFailed = 0;
for (const group of ['apps', 'packages']) {
  for (const name of readdirSync(join(root, group))) {
    const file = join(root, group, name, '.jest-results.json');
    if (!existsSync(file)) continue;
    const result = JSON.parse(readFileSync(file, 'utf8'));
    passed += result.numPassedTests;
    failed += result.numFailedTests;
    skipped += result.numPendingTests + result.numTodoTests;
    suitesFailed += result.numFailedTestSuites;
    console.log(
      `${group}/${name}: ${result.numPassedTests} passed, ${result.numFailedTests} failed`,
    );
  }
}
if (suitesFailed > 0) console.log(`${suitesFailed} test suite(s) failed to run`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || suitesFailed > 0 || passed === 0 ? 1 : 0);
