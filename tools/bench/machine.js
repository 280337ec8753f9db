#!/usr/bin/env node
// The machine.wasm a runtime pack carries (emu-build's buildPack: its cache entry under
// ~/.cache/c2w/emu-build/machine/) against the workspace build (packages/machine/build/wasm), on the
// same ISO boot (tools/riscv64/artifacts.sh), alternating, median of REPEAT runs. A pack built with
// other tools can be several times slower with the same sources (issue 12: a wasm-opt on the host
// inlined the hot loop), so this fails when the pack's is clearly slower. Writes its section of
// docs/bench/machine.md.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeBenchSection } from './_doc.js';
import { runTimed } from './_timed.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const REPEAT = 7;
/** The pack's machine may be this much slower than the workspace build before the bench fails. */
const SLOWEST_RATIO = 0.75;
const doc = join(root, 'docs', 'bench', 'machine.md');
const BEGIN = '<!-- tools/bench/machine.js: begin -->';
const END = '<!-- tools/bench/machine.js: end -->';

function artifacts() {
  const r = spawnSync('bash', [join(root, 'tools/riscv64/artifacts.sh'), '--env'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tools/riscv64/artifacts.sh failed: ${r.stderr.slice(-2000)}`);
  return Object.fromEntries(r.stdout.trim().split('\n').map((l) => l.split('=')).map(([k, v]) => [k, v.replace(/^'|'$/g, '')]));
}

/** One boot to power-off: wall seconds and the machine's own --stats line. */
async function boot(wasm, args) {
  const { code, out, err, seconds } = await runTimed(process.execPath, [join(root, 'packages/machine/bin/c2w-machine-node.js'), ...args],
    { ...process.env, C2W_MACHINE_WASM: wasm });
  const m = /c2w-machine: (\d+) instructions in ([\d.]+) s/.exec(err);
  if (code !== 0 || !out.includes('BOOT-OK') || !m) throw new Error(`boot with ${wasm} failed (exit ${code}): ${err.slice(-500)}`);
  return { seconds, insns: Number(m[1]), mips: Number(m[1]) / Number(m[2]) / 1e6 };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const describe = (path) => {
  const bytes = readFileSync(path);
  return { bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
};

const a = artifacts();
const args = ['--bios', a.C2W_FW, '--kernel', a.C2W_KERNEL, '--append', 'console=ttyS0 earlycon root=/dev/vda rootfstype=iso9660 ro init=/init',
  '--drive', `${a.C2W_ROOT_ISO},ro`, '--stats'];
const { buildPack, defaultCacheDir } = await import(pathToFileURL(join(root, 'packages/emu-build/dist/index.js')).href);
const work = mkdtempSync(join(tmpdir(), 'bench-machine-'));
try {
  const pack = await buildPack({ arch: 'riscv64', out: join(work, 'pack'), cache: defaultCacheDir(), offline: false }, (m) => process.stderr.write(`emu-build: ${m}\n`));
  const variants = {
    'runtime pack (emu-build)': join(pack.out, 'machine.wasm'),
    'workspace (packages/machine/build/wasm)': join(root, 'packages/machine/build/wasm/machine.wasm'),
  };
  const runs = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  for (let i = 0; i < REPEAT; i++) for (const [name, wasm] of Object.entries(variants)) runs[name].push(await boot(wasm, args));

  const rows = Object.entries(variants).map(([name, wasm]) => {
    const d = describe(wasm);
    const rs = runs[name];
    return { name, ...d, seconds: median(rs.map((r) => r.seconds)), insns: rs[0].insns, mips: median(rs.map((r) => r.mips)) };
  });
  const [packRow, workspaceRow] = rows;
  const table = [
    BEGIN,
    `## The runtime pack's machine.wasm against the workspace build (\`npm run bench machine\`)`,
    '',
    `ISO boot to power-off as above, ${REPEAT} runs each, alternating (median); ${new Date().toISOString().slice(0, 10)}, Node ${process.version}.`,
    'The bench fails when the pack\'s machine runs below ' + `${SLOWEST_RATIO * 100}% of the workspace build's MIPS.`,
    '',
    '| machine.wasm | bytes | sha256 | s to exit | guest insns | guest MIPS |',
    '|---|---:|---|---:|---:|---:|',
    ...rows.map((r) => `| ${r.name} | ${r.bytes} | ${r.sha256.slice(0, 12)} | ${r.seconds.toFixed(3)} | ${(r.insns / 1e6).toFixed(1)} M | ${r.mips.toFixed(1)} |`),
    '',
    packRow.sha256 === workspaceRow.sha256 ? 'The two files are identical.' : 'The two files differ.',
    END,
  ].join('\n');
  writeBenchSection(doc, BEGIN, END, table);
  if (packRow.mips < SLOWEST_RATIO * workspaceRow.mips) {
    process.stderr.write(`bench machine: the runtime pack's machine.wasm runs at ${packRow.mips.toFixed(1)} MIPS, the workspace build at ${workspaceRow.mips.toFixed(1)}: the pack's is too slow\n`);
    process.exitCode = 1;
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
