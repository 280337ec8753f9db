#!/usr/bin/env node
// `c2w run` with and without the riscv64 machine's JIT tier (issue 12, docs/decisions/0040 and
// 0061): the busybox example, the riscv64 Debian python3 image (a print and a CPU-bound loop), the
// amd64 python3 image through qemu-user (--machine riscv64) and an arm64 python3 image (qemu-user
// too: the only machine for arm64 images), each a cold `c2w run --stats`
// process without and with C2W_JIT=1, next to qemu-system-riscv64 (TCG JIT) running the same bundle's
// guest, alternating, median of REPEAT. Writes its section of docs/bench/machine.md.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeBenchSection } from './_doc.js';
import { qemuRiscv64Command } from './_qemu-riscv64.js';
import { runTimed } from './_timed.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const c2w = join(root, 'packages/c2w/bin/run.js');
const REPEAT = 3;
const doc = join(root, 'docs', 'bench', 'machine.md');
const BEGIN = '<!-- tools/bench/jit.js: begin -->';
const END = '<!-- tools/bench/jit.js: end -->';

const LOOP = 's=0\nfor i in range(300000): s+=i*i%7\nprint(s)';
const WORKLOADS = [
  { name: 'busybox example, `echo hello`', image: 'tools/example/build-example-image.sh', args: ['echo', 'hello'], expect: 'hello' },
  { name: 'riscv64 python3, `print(sum(range(10)))`', image: 'tools/riscv64/build-python-image.sh', args: ['python3', '-c', 'print(sum(range(10)))'], expect: '45' },
  { name: 'riscv64 python3, a CPU-bound loop (300,000 rounds)', image: 'tools/riscv64/build-python-image.sh', args: ['python3', '-c', LOOP], expect: '599998' },
  { name: 'amd64 python3 through qemu-user, `print(1+1)`', image: 'tools/x86_64/build-python-image.sh', machine: ['--machine', 'riscv64'], args: ['python3', '-c', 'print(1+1)'], expect: '2' },
  // qemu-system-riscv64 7.2 cannot anchor this row: inside it the guest's qemu-aarch64 (10.0) stops
  // python3 with "uncaught target signal 4 (Illegal instruction)", also with -cpu rv64 stripped of
  // V, Zb* and Zfh; on our machine the same bundle prints 2.
  { name: 'arm64 python3 (trixie) through qemu-user, `print(1+1)`', image: 'tools/riscv64/build-python-image.sh', imageArgs: ['--arch', 'arm64'], args: ['python3', '-c', 'print(1+1)'], expect: '2', noQemu: 'the guest\'s qemu-aarch64 dies with SIGILL on qemu-system-riscv64 7.2' },
];

/** One cold process: wall seconds, and the machine's --stats and JIT lines when it prints them. */
async function timed(cmd, args, expect, env = {}) {
  const { code, out, err, seconds } = await runTimed(cmd, args, { ...process.env, ...env });
  if (code !== 0 || !out.includes(expect)) throw new Error(`bench jit: ${cmd} ${args.join(' ')} failed (exit ${code}): ${err.slice(-500)}`);
  const s = /c2w-machine: (\d+) instructions in ([\d.]+) s/.exec(err);
  const j = /c2w-machine: jit: (\d+) instructions in translations; (\d+) blocks translated in (\d+) modules/.exec(err);
  return { seconds, insns: s ? Number(s[1]) : undefined, mips: s ? Number(s[1]) / Number(s[2]) / 1e6 : undefined,
    inJit: j ? Number(j[1]) : undefined, blocks: j ? Number(j[2]) : undefined, modules: j ? Number(j[3]) : undefined };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const med = (runs, key) => median(runs.map((r) => r[key]));

function bundleOf(w, work, made) {
  const key = `${w.image} ${(w.imageArgs ?? []).join(' ')} ${(w.machine ?? []).join(' ')}`;
  if (made.has(key)) return made.get(key);
  const layout = spawnSync('bash', [join(root, w.image), ...(w.imageArgs ?? [])], { encoding: 'utf8' }).stdout.trim().split('\n').pop();
  const out = join(work, `b${made.size}`);
  const r = spawnSync(process.execPath, [c2w, 'convert', ...(w.machine ?? []), `oci:${layout}:latest`, out], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bench jit: c2w convert ${w.image} failed (${r.status}): ${r.stderr.slice(-1000)}`);
  made.set(key, out);
  return out;
}

const work = mkdtempSync(join(tmpdir(), 'c2w-bench-jit-'));
try {
  const made = new Map();
  const rows = [];
  for (const w of WORKLOADS) {
    const bundle = bundleOf(w, work, made);
    const qemu = w.noQemu ? undefined : await qemuRiscv64Command(root, bundle, w.args, join(work, `channel-${rows.length}.tar`));
    const runs = { interp: [], jit: [], qemu: [] };
    for (let i = 0; i < REPEAT; i++) {
      runs.interp.push(await timed(process.execPath, [c2w, 'run', '--stats', bundle, '--', ...w.args], w.expect));
      runs.jit.push(await timed(process.execPath, [c2w, 'run', '--stats', bundle, '--', ...w.args], w.expect, { C2W_JIT: '1' }));
      if (qemu) runs.qemu.push(await timed('sh', ['-c', qemu], w.expect));
    }
    process.stderr.write(`bench jit: ${w.name}: ${JSON.stringify(runs)}\n`);
    rows.push({ w, runs });
  }
  const line = ({ w, runs: { interp, jit, qemu } }) => {
    const share = median(jit.map((r) => r.inJit / r.insns)) * 100;
    return `| ${w.name} | ${(med(interp, 'insns') / 1e6).toFixed(0)} M | ${med(interp, 'seconds').toFixed(2)} | ${med(interp, 'mips').toFixed(0)} | ` +
      `${med(jit, 'seconds').toFixed(2)} | ${med(jit, 'mips').toFixed(0)} | ${share.toFixed(0)}% in ${med(jit, 'blocks')} blocks | ` +
      `${(med(interp, 'seconds') / med(jit, 'seconds')).toFixed(2)}x | ${qemu.length ? med(qemu, 'seconds').toFixed(2) : '- (a)'} |`;
  };
  const table = [
    BEGIN,
    '## `c2w run` with and without the JIT tier (`npm run bench jit`)',
    '',
    `Each a cold \`c2w run --stats BUNDLE -- ARGS\` process (wall seconds from its start, so Node start-up and compilation are in),`,
    `without and with \`C2W_JIT=1\`, and qemu-system-riscv64 (TCG JIT) running the same bundle's firmware, kernel, disks and`,
    `run channel; ${REPEAT} runs of each, alternating (median). Guest MIPS from \`--stats\`. ${new Date().toISOString().slice(0, 10)},`,
    `Node ${process.version}, ${spawnSync('qemu-system-riscv64', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0]}.`,
    '',
    '| workload | guest insns | interpreter s | MIPS | JIT s | MIPS | in translations | interpreter / JIT | QEMU s |',
    '|---|---:|---:|---:|---:|---:|---|---:|---:|',
    ...rows.map(line),
    ...rows.filter(({ w }) => w.noQemu).map(({ w }) => `\n(a) ${w.name}: no QEMU figure, ${w.noQemu}.`),
    END,
  ].join('\n');
  writeBenchSection(doc, BEGIN, END, table);
} finally {
  rmSync(work, { recursive: true, force: true });
}
