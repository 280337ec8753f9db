#!/usr/bin/env node
// `npm test`: builds, lints and tests every project through nx, then prints one closing line
// "N passed, N failed, N skipped" summed from each package's jest JSON report.
import { rmSync, readdirSync, readFileSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Each package's jest (and e2e's and tools') writes dist/jest-results.json (see its "test" script).
const packagesDir = join(root, 'packages');
const resultFiles = [
  ...readdirSync(packagesDir).map((p) => join(packagesDir, p, 'dist', 'jest-results.json')),
  join(root, 'e2e', 'dist', 'jest-results.json'),
  join(root, 'tools', 'dist', 'jest-results.json'),
];
for (const f of resultFiles) rmSync(f, { force: true });

const nx = spawnSync(process.execPath, [join(root, 'node_modules/nx/bin/nx.js'), 'run-many', '-t', 'build', 'lint', 'test', '--parallel=1', '--output-style=stream', ...process.argv.slice(2)], {
  stdio: 'inherit', cwd: root, env: { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false' },
});

let passed = 0, failed = 0, skipped = 0, suitesFailed = 0;
for (const f of resultFiles.filter((f) => existsSync(f))) {
  const r = JSON.parse(readFileSync(f, 'utf8'));
  passed += r.numPassedTests; failed += r.numFailedTests; skipped += r.numPendingTests + (r.numTodoTests ?? 0);
  suitesFailed += r.numRuntimeErrorTestSuites ?? 0;
}
if (suitesFailed) console.log(`${suitesFailed} test suites failed to run`);
console.log(`${passed} passed, ${failed + suitesFailed} failed, ${skipped} skipped`);
process.exit(nx.status ?? 1);
