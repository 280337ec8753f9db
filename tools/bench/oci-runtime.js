#!/usr/bin/env node
// The guest's OCI runtime (docs/decisions/0042): runc against crun on the bundled riscv64 busybox
// example, same run. Builds both runtime packs (emu-build --oci-runtime), converts the image with
// each (bundle directory and --snapshot out.wasm), then, alternating between the two so both see the
// same host load: `c2w run --stats BUNDLE -- echo hello` (guest instructions, wall and CPU seconds,
// peak RSS from GNU time) and the snapshot's first output line on the node:wasi runner. Median of
// REPEAT cold processes (C2W_BENCH_REPEAT overrides). Writes docs/bench/oci-runtime.md.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const REPEAT = Number(process.env.C2W_BENCH_REPEAT ?? 5);
const c2wBin = join(root, 'packages/c2w/bin/run.js');
const emuBuild = join(root, 'packages/emu-build/bin/run.js');
const RUNTIMES = ['runc', 'crun'];
// the same runner as tools/bench/single-file.js
const RUNNER = `import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';
const [file, ...args] = process.argv.slice(2);
const wasi = new WASI({ version: 'preview1', args: ['out.wasm', ...args], returnOnExit: true, env: {}, preopens: {} });
const instance = await WebAssembly.instantiate(await WebAssembly.compile(await readFile(file)), { wasi_snapshot_preview1: wasi.wasiImport });
process.exitCode = wasi.start(instance);
`;

function run(argv, env = process.env) {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', env, maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  return r;
}

/** GNU time of one cold `c2w run --stats`: wall and CPU seconds, peak RSS, guest instructions. */
function timedRun(bundle) {
  const r = run(['/usr/bin/time', '-v', process.execPath, c2wBin, 'run', '--stats', bundle, '--', 'echo', 'hello']);
  if (r.stdout !== 'hello\n') throw new Error(`${bundle}: output ${JSON.stringify(r.stdout)}`);
  const num = (re) => Number(re.exec(r.stderr)?.[1]);
  const wall = /Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)/.exec(r.stderr);
  return {
    seconds: Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]),
    cpu: num(/User time \(seconds\): ([\d.]+)/) + num(/System time \(seconds\): ([\d.]+)/),
    rssMiB: num(/Maximum resident set size \(kbytes\): (\d+)/) / 1024,
    insns: num(/c2w-machine: (\d+) instructions/) / 1e6,
  };
}

/** Seconds from spawn to the first complete stdout line (which must be `hello`). */
function firstLine(argv) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    let first;
    child.stdout.on('data', (d) => {
      out += d;
      if (first === undefined && out.includes('\n')) first = Number(process.hrtime.bigint() - t0) / 1e9;
    });
    child.on('error', reject);
    child.on('close', (code) => (code !== 0 || out !== 'hello\n' ? reject(new Error(`${argv.join(' ')}: status ${code}, output ${JSON.stringify(out)}`)) : resolve(first)));
  });
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mib = (bytes) => (bytes / 1048576).toFixed(1);

const work = mkdtempSync(join(tmpdir(), 'c2w-bench-oci-runtime-'));
try {
  const layout = run(['bash', join(root, 'tools/example/build-example-image.sh')]).stdout.trim().split('\n').pop();
  const image = `oci:${layout}:latest`;
  const env = { ...process.env, SOURCE_DATE_EPOCH: '1700000000' };
  const made = {};
  for (const rt of RUNTIMES) {
    const pack = join(work, `pack-${rt}`);
    run([process.execPath, emuBuild, '--oci-runtime', rt, '--out', pack]);
    run([process.execPath, c2wBin, 'convert', '--runtime-pack', pack, image, join(work, `b-${rt}`)], env);
    run([process.execPath, c2wBin, 'convert', '--snapshot', '--runtime-pack', pack, image, join(work, `snap-${rt}.wasm`)], env);
    made[rt] = { guest: statSync(join(pack, 'guest.tar')).size, snap: statSync(join(work, `snap-${rt}.wasm`)).size, runs: [], snapFirst: [] };
  }
  const runner = join(work, 'runner.mjs');
  writeFileSync(runner, RUNNER);
  for (let i = 0; i < REPEAT; i++) {
    for (const rt of RUNTIMES) {
      made[rt].runs.push(timedRun(join(work, `b-${rt}`)));
      made[rt].snapFirst.push(await firstLine([process.execPath, '--no-warnings', runner, join(work, `snap-${rt}.wasm`), 'echo', 'hello']));
    }
  }
  const rows = RUNTIMES.map((rt) => {
    const m = made[rt];
    const med = (k) => median(m.runs.map((r) => r[k]));
    return `| ${rt} | ${med('insns').toFixed(1)} | ${med('seconds').toFixed(2)} | ${med('cpu').toFixed(2)} | ${med('rssMiB').toFixed(0)} | ${median(m.snapFirst).toFixed(2)} | ${mib(m.guest)} | ${mib(m.snap)} |`;
  });
  const md = `# The guest's OCI runtime: runc against crun

Generated by \`node tools/bench/oci-runtime.js\` on ${new Date().toISOString().slice(0, 10)}
(${cpus().length} cores: ${cpus()[0]?.model ?? 'unknown CPU'}, node ${process.version}; load average ${loadavg()[0].toFixed(1)} at the end: other jobs shared the machine, so wall times are noisy; instructions are not).
The bundled riscv64 busybox example converted with a runtime pack of each runtime (\`emu-build --oci-runtime\`,
docs/decisions/0042), SOURCE_DATE_EPOCH fixed; median of ${REPEAT} cold processes, the two runtimes alternating.

\`c2w run --stats BUNDLE -- echo hello\` (guest instructions from the machine, wall and CPU seconds and
peak RSS from GNU time), and the first output line of the \`--snapshot\` out.wasm on the node:wasi runner:

| runtime | guest M instructions | wall s | CPU s | peak RSS MiB | snapshot first line s | guest.tar MiB | snapshot out.wasm MiB |
|---|---:|---:|---:|---:|---:|---:|---:|
${rows.join('\n')}
`;
  writeFileSync(join(root, 'docs/bench/oci-runtime.md'), md);
  process.stdout.write(md);
} finally {
  rmSync(work, { recursive: true, force: true });
}
