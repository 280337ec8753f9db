#!/usr/bin/env node
// amd64 out.wasm on the x86_64 machine, pre-booted (the default since docs/decisions/0049) against
// --no-snapshot: the amd64 busybox example's `echo hello` (and, with C2W_BENCH_PYTHON=1, the amd64
// python image's `python3 -c 'print(1+1)'`), from process start to the first output line, on the
// node:wasi runner and `c2w run`; plus the CPU seconds (user + sys) of the whole process, which a
// shared host disturbs less than wall time. Median of C2W_BENCH_REPEAT (3) cold processes.
// Writes the "## amd64" section of docs/bench/single-file.md (single-file.js keeps it).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const REPEAT = Number(process.env.C2W_BENCH_REPEAT ?? 3);
const c2wBin = join(root, 'packages/c2w/bin/run.js');
const RUNNER = `import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';
const [file, ...args] = process.argv.slice(2);
const wasi = new WASI({ version: 'preview1', args: ['out.wasm', ...args], returnOnExit: true, env: {}, preopens: {} });
const instance = await WebAssembly.instantiate(await WebAssembly.compile(await readFile(file)), { wasi_snapshot_preview1: wasi.wasiImport });
process.exitCode = wasi.start(instance);
`;

/** Seconds to the first stdout line (which must be `expect`) and to exit, and the CPU seconds of the process tree (GNU time). */
function timedRun(argv, expect, work) {
  const cpuFile = join(work, 'cpu.txt');
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn('/usr/bin/time', ['-f', '%U %S', '-o', cpuFile, ...argv], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    let first;
    child.stdout.on('data', (d) => {
      out += d;
      if (first === undefined && out.includes('\n')) first = Number(process.hrtime.bigint() - t0) / 1e9;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const total = Number(process.hrtime.bigint() - t0) / 1e9;
      const [user, sys] = readFileSync(cpuFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
      if (code !== 0 || out !== expect) reject(new Error(`${argv.join(' ')}: status ${code}, output ${JSON.stringify(out)}`));
      else resolve({ first, total, cpu: user + sys });
    });
  });
}

function convert(image, out, flags, env) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', process.execPath, c2wBin, 'convert', ...flags, image, out], { encoding: 'utf8', env });
  if (r.status !== 0) throw new Error(`c2w convert ${flags.join(' ')} ${image} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const [wall, user, sys, rssKiB] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { wall, cpu: user + sys, rssMiB: rssKiB / 1024 };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mib = (bytes) => (bytes / 1048576).toFixed(1);
const imageOf = (script) => `oci:${spawnSync('bash', [join(root, script)], { encoding: 'utf8' }).stdout.trim().split('\n').pop()}:latest`;

const loadAtStart = loadavg()[0];
const work = mkdtempSync(join(tmpdir(), 'c2w-bench-single-amd64-'));
try {
  const env = { ...process.env, SOURCE_DATE_EPOCH: '1700000000' };
  const runner = join(work, 'runner.mjs');
  writeFileSync(runner, RUNNER);
  const subjects = [['busybox example, `echo hello`', 'tools/x86_64/build-example-image.sh', ['echo', 'hello'], 'hello\n']];
  if (process.env.C2W_BENCH_PYTHON) subjects.push(['python3 image, `python3 -c \'print(1+1)\'`', 'tools/x86_64/build-python-image.sh', ['python3', '-c', 'print(1+1)'], '2\n']);
  const rows = [];
  const converts = [];
  for (const [what, script, command, expect] of subjects) {
    const image = imageOf(script);
    for (const [kind, flags] of [['--no-snapshot', ['--no-snapshot']], ['pre-booted', []]]) {
      const out = join(work, `${kind === 'pre-booted' ? 'snap' : 'cold'}-${rows.length}.wasm`);
      const c = convert(image, out, flags, env);
      converts.push(`| ${what} | ${kind} | ${c.wall.toFixed(1)} | ${c.cpu.toFixed(1)} | ${c.rssMiB.toFixed(0)} | ${mib(statSync(out).size)} |`);
      for (const [host, argv] of [['node:wasi runner', [process.execPath, '--no-warnings', runner, out, ...command]], ['c2w run', [process.execPath, c2wBin, 'run', out, '--', ...command]]]) {
        const runs = [];
        for (let i = 0; i < REPEAT; i++) runs.push(await timedRun(argv, expect, work));
        rows.push(`| ${what} | ${kind}, ${host} | ${median(runs.map((r) => r.first)).toFixed(2)} | ${median(runs.map((r) => r.total)).toFixed(2)} | ${median(runs.map((r) => r.cpu)).toFixed(2)} |`);
      }
    }
  }
  const section = `## amd64 on the x86_64 machine (pre-booted since docs/decisions/0049)

Generated by \`node tools/bench/single-file-amd64.js\` on ${new Date().toISOString().slice(0, 10)} (load average ${loadAtStart.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end; the CPU seconds, user + sys of the whole process, are the comparison a shared host disturbs least).
Median of ${REPEAT} cold processes; SOURCE_DATE_EPOCH fixed.

| image, command | module, host | first line s | exit s | CPU s |
|---|---|---|---|---|
${rows.join('\n')}

Conversion (GNU time of the whole \`c2w convert\`, runtime pack cached):

| image | module | wall s | CPU s | peak RSS MiB | out.wasm MiB |
|---|---|---|---|---|---|
${converts.join('\n')}
`;
  const file = join(root, 'docs/bench/single-file.md');
  const old = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const at = old.indexOf('\n## amd64');
  writeFileSync(file, `${at >= 0 ? old.slice(0, at) : old.trimEnd()}\n\n${section}`);
  process.stdout.write(section);
} finally {
  rmSync(work, { recursive: true, force: true });
}
