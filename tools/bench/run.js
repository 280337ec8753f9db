#!/usr/bin/env node
// `npm run bench`: runs every benchmark script in this folder (or those named on the command line),
// one after another so they never compete for the two cores. Each script writes docs/bench/<name>.md.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const scripts = readdirSync(here)
  .filter((f) => f.endsWith('.js') && f !== 'run.js' && !f.startsWith('_'))
  .filter((f) => wanted.length === 0 || wanted.includes(f.replace(/\.js$/, '')))
  .sort();
if (scripts.length === 0) {
  console.error(`bench: no benchmark matches ${wanted.join(' ')}`);
  process.exit(2);
}
let failed = 0;
for (const script of scripts) {
  console.error(`bench: ${script}`);
  const r = spawnSync(process.execPath, [join(here, script)], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.error(`bench: ${script} failed with status ${r.status}`);
  }
}
process.exit(failed ? 1 : 0);
