#!/usr/bin/env node
// Both guest kernels build byte-identically twice (docs/decisions/0026): build-kernel.sh
// --verify-reproducible builds the cached key a second time in another directory and records the
// verdict in the cache entry (`reproduced`), so a key is proven once and later runs are cache hits.
// It moved here from the test suite: two extra kernel builds made a cold CI run pass 60 minutes.
// Exits non-zero when a kernel is not reproducible. Writes docs/bench/kernel-reproducible.md.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const kernels = [
  { arch: 'riscv64', script: 'tools/riscv64/build-kernel.sh', image: 'Image' },
  { arch: 'x86_64', script: 'tools/x86_64/build-kernel.sh', image: 'vmlinux' },
];

// SOURCE_DATE_EPOCH is part of the kernel key: unset, the scripts use the source's own date (.ci/setup's key)
const env = { ...process.env };
delete env.SOURCE_DATE_EPOCH;
const rows = [];
let failed = 0;
for (const k of kernels) {
  const r = spawnSync('bash', [join(root, k.script), '--verify-reproducible'], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'inherit'] });
  const entry = r.stdout.trim().split('\n').pop() ?? '';
  let verdict = `build-kernel.sh exited ${r.status}`;
  if (r.status === 0) {
    const sha = createHash('sha256').update(readFileSync(join(entry, k.image))).digest('hex');
    const reproduced = readFileSync(join(entry, 'reproduced'), 'utf8').trim();
    verdict = reproduced.startsWith(`identical ${k.image} sha256:${sha}`) ? reproduced : `MISMATCH: ${reproduced} (cached ${k.image} ${sha})`;
  }
  if (!verdict.startsWith('identical ')) failed++;
  rows.push(`| ${k.arch} | \`${entry.split('/').pop()}\` | ${verdict} |`);
  console.error(`bench kernel-reproducible: ${k.arch}: ${verdict}`);
}
writeFileSync(
  join(root, 'docs', 'bench', 'kernel-reproducible.md'),
  [
    '# Guest kernels: reproducible builds',
    '',
    'Written by `npm run bench kernel-reproducible` (tools/bench/kernel-reproducible.js). Each kernel key',
    'is built a second time in another directory; the two images must be byte-identical',
    '(docs/decisions/0026). The verdict is recorded in the cache entry, so a key is built twice only once.',
    '',
    '| kernel | cache key | verdict (from the entry\'s `reproduced`) |',
    '|---|---|---|',
    ...rows,
    '',
  ].join('\n'),
);
process.exit(failed ? 1 : 0);
