#!/usr/bin/env node
// Write throughput of the container's writable layer (docs/decisions/0032): `c2w run` of the
// example bundle writing N MiB with dd onto the ext4 scratch disk, minus a run that writes nothing
// (boot, the 16 GiB disk's formatting, runc). Writes docs/bench/writable-layer.md.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeBenchDoc } from './_doc.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const c2w = join(root, 'packages/c2w/bin/run.js');
const work = mkdtempSync(join(tmpdir(), 'c2w-bench-wlayer-'));
const env = { ...process.env, C2W_STATE_HOME: join(work, 'state') };
const runs = Number(process.env.BENCH_RUNS ?? 3);

function sh(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`bench writable-layer: ${cmd} ${args.join(' ')} exited ${r.status}`);
  return r.stdout;
}

/** Median wall seconds of `c2w run BUNDLE -- sh -c SCRIPT`. */
function timed(bundle, script, extra = []) {
  const t = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    sh(process.execPath, [c2w, 'run', '--memory', '256M', ...extra, bundle, '--', 'sh', '-c', script]);
    t.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  return t.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

try {
  const image = sh('bash', [join(root, 'tools/example/build-example-image.sh')]).trim().split('\n').pop();
  const bundle = join(work, 'example');
  sh(process.execPath, [c2w, 'convert', `oci:${image}:latest`, bundle]);
  const base = timed(bundle, 'true');
  const rows = [`| nothing written (boot, format a 16 GiB disk, runc) | ${base.toFixed(2)} | | |`];
  for (const mib of (process.env.BENCH_MIB ?? '256,1024').split(',').map(Number)) {
    const t = timed(bundle, `busybox dd if=/dev/zero of=/big bs=1M count=${mib} 2>/dev/null && busybox sync`);
    rows.push(`| dd ${mib} MiB + sync | ${t.toFixed(2)} | ${(t - base).toFixed(2)} | ${(mib / (t - base)).toFixed(1)} |`);
    console.error(`bench writable-layer: ${mib} MiB in ${(t - base).toFixed(2)} s`);
  }
  writeBenchDoc(join(root, 'docs', 'bench', 'writable-layer.md'), [
    '# Writable layer: write throughput to the scratch disk',
    '',
    'The container writes with `busybox dd if=/dev/zero bs=1M` into its root (overlayfs upper on the',
    'ext4 scratch disk, virtio-blk written through with pwrite to a sparse host file), then `sync`.',
    `256 MiB guest, the example bundle, median of ${runs} runs; MiB/s = size / (run - the empty run).`,
    `Written by \`npm run bench writable-layer\` (tools/bench/writable-layer.js), ${new Date().toISOString().slice(0, 10)}, Node ${process.version}.`,
    '',
    '| run | wall s | s over the empty run | MiB/s |',
    '|---|---:|---:|---:|',
    ...rows,
    '',
  ].join('\n'));
} finally {
  rmSync(work, { recursive: true, force: true });
}
