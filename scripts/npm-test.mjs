#!/usr/bin/env node
// `npm test`: install (frozen lockfile), build every package, then run every test once through Vitest.
import { spawnSync } from 'node:child_process';
import { readFileSync, existsSync, rmSync } from 'node:fs';
import { pnpm, pnpmOrExit } from './lib/pnpm.mjs';

const step = (text) => console.log(`\nbrAInwav test ▸ ${text}`);

step('installing dependencies (pnpm, frozen lockfile)');
pnpmOrExit(['install', '--frozen-lockfile', '--prefer-offline'], 'install');
step('checking package boundaries');
if (spawnSync(process.execPath, ['scripts/check-boundaries.mjs'], { stdio: 'inherit' }).status !== 0)
  process.exit(1);
step('building every package (nx run-many -t build)');
pnpmOrExit(['nx', 'run-many', '-t', 'build', '--outputStyle=stream'], 'build');
step('running every test (vitest)');
const report = '.vitest-report.json';
rmSync(report, { force: true });
const status = pnpm([
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${report}`,
]);
if (existsSync(report)) {
  const { numPassedTests, numFailedTests, numPendingTests } = JSON.parse(readFileSync(report, 'utf8'));
  console.log(`\ntests: ${numPassedTests} passed, ${numFailedTests} failed, ${numPendingTests} skipped`);
}
process.exit(status);
