#!/usr/bin/env node
// Single out.wasm vs bundle directory (issue 14): converts the bundled busybox example both ways,
// then times `echo hello` from process start to the container's first output line, on a plain
// node:wasi runner, Bun's WASI and `c2w run` (out.wasm) next to `c2w run` (bundle), in the same
// run, and the same for out.wasm pre-booted at conversion (--snapshot, the riscv64 default since
// docs/decisions/0041; the cold rows convert with --no-snapshot).
// Median of REPEAT cold processes (C2W_BENCH_REPEAT overrides); convert wall time and peak RSS from
// GNU time. Writes docs/bench/single-file.md.
import { spawnSync } from 'node:child_process';
import { firstLine } from './_first-line.js';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const REPEAT = Number(process.env.C2W_BENCH_REPEAT ?? 5);
const c2wBin = join(root, 'packages/c2w/bin/run.js');
const bun = join(root, 'node_modules/bun/bin/bun.exe');
// the same ten-line runner as e2e/test/single-file.e2e.test.ts
const RUNNER = `import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';
const [file, ...args] = process.argv.slice(2);
const wasi = new WASI({ version: 'preview1', args: ['out.wasm', ...args], returnOnExit: true, env: {}, preopens: {} });
const instance = await WebAssembly.instantiate(await WebAssembly.compile(await readFile(file)), { wasi_snapshot_preview1: wasi.wasiImport });
process.exitCode = wasi.start(instance);
`;

function timed(argv, env = process.env) {
  const r = spawnSync('/usr/bin/time', ['-v', ...argv], { encoding: 'utf8', env, maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const wall = /Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)/.exec(r.stderr);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  return { seconds: Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]), rssMiB: Number(rss[1]) / 1024 };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mib = (bytes) => (bytes / 1048576).toFixed(1);
const dirBytes = (dir) => spawnSync('du', ['-sb', dir], { encoding: 'utf8' }).stdout.split('\t')[0];

const loadAtStart = loadavg()[0];
const work = mkdtempSync(join(tmpdir(), 'c2w-bench-single-'));
try {
  const layout = spawnSync('bash', [join(root, 'tools/example/build-example-image.sh')], { encoding: 'utf8' }).stdout.trim().split('\n').pop();
  const image = `oci:${layout}:latest`;
  const env = { ...process.env, SOURCE_DATE_EPOCH: '1700000000' };
  timed([process.execPath, c2wBin, 'convert', image, join(work, 'warmup')], env); // fills the runtime pack cache
  const convert = { bundle: [], wasm: [], snapshot: [] };
  for (let i = 0; i < REPEAT; i++) {
    rmSync(join(work, 'b'), { recursive: true, force: true });
    rmSync(join(work, 'out.wasm'), { force: true });
    rmSync(join(work, 'snap.wasm'), { force: true });
    convert.bundle.push(timed([process.execPath, c2wBin, 'convert', image, join(work, 'b')], env));
    convert.wasm.push(timed([process.execPath, c2wBin, 'convert', '--no-snapshot', image, join(work, 'out.wasm')], env));
    convert.snapshot.push(timed([process.execPath, c2wBin, 'convert', '--snapshot', image, join(work, 'snap.wasm')], env));
  }
  const runner = join(work, 'runner.mjs');
  writeFileSync(runner, RUNNER);
  const wasm = join(work, 'out.wasm');
  const snap = join(work, 'snap.wasm');
  const cases = [
    ['out.wasm --no-snapshot, node:wasi runner (10 lines)', [process.execPath, '--no-warnings', runner, wasm, 'echo', 'hello']],
    ['out.wasm --snapshot, node:wasi runner', [process.execPath, '--no-warnings', runner, snap, 'echo', 'hello']],
    ...(existsSync(bun) ? [['out.wasm --no-snapshot, Bun WASI (same runner)', [bun, runner, wasm, 'echo', 'hello']], ['out.wasm --snapshot, Bun WASI', [bun, runner, snap, 'echo', 'hello']]] : []),
    ['out.wasm --no-snapshot, c2w run', [process.execPath, c2wBin, 'run', wasm, '--', 'echo', 'hello']],
    ['out.wasm --snapshot, c2w run', [process.execPath, c2wBin, 'run', snap, '--', 'echo', 'hello']],
    ['bundle directory, c2w run', [process.execPath, c2wBin, 'run', join(work, 'b'), '--', 'echo', 'hello']],
  ];
  const results = [];
  for (const [name, argv] of cases) {
    const runs = [];
    for (let i = 0; i < REPEAT; i++) runs.push(await firstLine(argv));
    results.push(`| ${name} | ${median(runs.map((r) => r.first)).toFixed(2)} | ${median(runs.map((r) => r.total)).toFixed(2)} |`);
  }
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const row = (name, runs) => `| ${name} | ${median(runs.map((r) => r.seconds)).toFixed(2)} | ${median(runs.map((r) => r.rssMiB)).toFixed(0)} |`;
  const md = `# Single out.wasm vs bundle directory

Generated by \`node tools/bench/single-file.js\` on ${new Date().toISOString().slice(0, 10)}
(${cpus().length} cores: ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, node ${process.version}; load average ${loadAtStart.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end: other jobs shared the machine, so differences under ~0.5 s are noise).
The bundled riscv64 busybox example, converted both ways with SOURCE_DATE_EPOCH fixed; median of ${REPEAT} cold processes.

Time from process start to the container's first output line (\`echo hello\`), and to exit:

| how | first line s | exit s |
|---|---|---|
${results.join('\n')}

Sizes: out.wasm --no-snapshot ${mib(statSync(wasm).size)} MiB; with --snapshot ${mib(statSync(snap).size)} MiB; bundle directory ${mib(Number(dirBytes(join(work, 'b'))))} MiB.

Conversion (GNU time, wall seconds and peak RSS of the whole \`c2w convert\`, runtime pack cached):

| output | wall s | peak RSS MiB |
|---|---|---|
${row('bundle directory', convert.bundle)}
${row('out.wasm --no-snapshot (bundle, then vfs-embed)', convert.wasm)}
${row('out.wasm --snapshot (bundle, wizer boot, then vfs-embed)', convert.snapshot)}

With --no-snapshot every start boots OpenSBI, Linux and the init; pre-booted (the riscv64 default) a
run starts at the init's run-request wait (docs/decisions/0038-pre-booted-snapshot.md, 0041).
`;
  // the amd64 section is single-file-amd64.js's: kept as it is
  const file = join(root, 'docs/bench/single-file.md');
  const old = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const at = old.indexOf('\n## amd64');
  writeFileSync(file, at >= 0 ? `${md}${old.slice(at)}` : md);
  process.stdout.write(md);
} finally {
  rmSync(work, { recursive: true, force: true });
}
