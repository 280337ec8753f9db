#!/usr/bin/env node
// The x86_64 Linux boot (issue 13): the cached kernel (tools/x86_64/artifacts.sh) with a busybox
// initramfs (the host's amd64 busybox-static) on the main machine's x86_64 board (c2w-machine
// --arch x86_64, ADR 0027) natively and as wasm under Node (bin/c2w-machine-node.js), and
// on qemu-system-x86_64 -M microvm (plain TCG), alternating, median of REPEAT runs: seconds from
// process start to /init's first line and to the exit, guest instructions and MIPS (--stats).
// Writes its section of docs/bench/machine.md.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeBenchSection } from './_doc.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const REPEAT = 5;
const APPEND = 'console=ttyS0 reboot=t panic=-1';
const FIRST = 'C2W-INIT';
const doc = join(root, 'docs', 'bench', 'machine.md');
const BEGIN = '<!-- tools/bench/x86-boot.js: begin -->';
const END = '<!-- tools/bench/x86-boot.js: end -->';

// C2W_X86_KERNEL=FILE: another kernel (the table names the one used)
const k = process.env.C2W_X86_KERNEL ? { status: 0, stdout: `C2W_X86_KERNEL ${process.env.C2W_X86_KERNEL}` } : spawnSync('bash', [join(root, 'tools/x86_64/artifacts.sh'), '--offline'], { encoding: 'utf8' });
const kernel = /^C2W_X86_KERNEL (\S+)$/m.exec(k.stdout)?.[1];
if (k.status !== 0 || !kernel) throw new Error(`bench x86-boot: no cached x86_64 kernel (tools/x86_64/artifacts.sh --offline): ${k.stderr.slice(-500)}`);
const { newcCpio } = await import(pathToFileURL(join(root, 'packages/testing/dist/index.js')).href);

/** One boot: seconds to FIRST and to exit, and the board's --stats (instructions, MIPS) if any. */
function boot(cmd, args) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const secs = () => Number(process.hrtime.bigint() - t0) / 1e9;
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let first;
    p.stdout.on('data', (d) => { out += d; if (first === undefined && out.includes(FIRST)) first = secs(); });
    p.stderr.on('data', (d) => { err += d; });
    p.on('close', () => {
      const exit = secs();
      const m = /c2w-machine: (\d+) instructions in ([\d.]+) s/.exec(err);
      if (first === undefined || !out.includes('SUM-SQUARES')) reject(new Error(`bench x86-boot: ${cmd} did not reach /init: ${err.slice(-500)}`));
      else resolve({ first, exit, insns: m ? Number(m[1]) : undefined, mips: m ? Number(m[1]) / Number(m[2]) / 1e6 : undefined });
    });
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const work = mkdtempSync(join(tmpdir(), 'bench-x86-boot-'));
try {
  const initrd = join(work, 'initramfs.cpio');
  const init = `#!/bin/sh\nmount -t proc proc /proc\necho "${FIRST} $(uname -m)"\nn=0; i=1; while [ $i -le 1000 ]; do n=$((n + i * i)); i=$((i + 1)); done\necho "SUM-SQUARES $n"\nreboot -f\n`;
  writeFileSync(initrd, newcCpio([
    ...['bin', 'dev', 'proc', 'sys'].map((name) => ({ name, type: 'dir' })),
    { name: 'dev/console', type: 'chardev', major: 5, minor: 1 },
    { name: 'bin/busybox', type: 'file', body: readFileSync('/bin/busybox'), mode: 0o755 },
    ...['sh', 'mount', 'uname', 'reboot'].map((name) => ({ name: `bin/${name}`, type: 'symlink', target: 'busybox' })),
    { name: 'init', type: 'file', mode: 0o755, body: init },
  ]));
  const ours = ['--arch', 'x86_64', '--stats', '--memory', '256M', '--append', APPEND, '--initrd', initrd, '--kernel', kernel];
  const variants = {
    'c2w-machine --arch x86_64 native (gcc -O2)': [join(root, 'packages/machine/build/native/c2w-machine'), ours],
    [`c2w-machine --arch x86_64 wasm under Node ${process.version.split('.')[0].slice(1)}`]: [process.execPath, [join(root, 'packages/machine/bin/c2w-machine-node.js'), ...ours]],
    'qemu-system-x86_64 -M microvm (TCG JIT, anchor)': ['qemu-system-x86_64', ['-M', 'microvm,acpi=off', '-m', '256M', '-smp', '1', '-nographic',
      '-no-reboot', '-kernel', kernel, '-append', APPEND, '-initrd', initrd]],
  };
  const runs = Object.fromEntries(Object.keys(variants).map((n) => [n, []]));
  for (let i = 0; i < REPEAT; i++) for (const [name, [cmd, args]] of Object.entries(variants)) runs[name].push(await boot(cmd, args));
  const qemuVersion = spawnSync('qemu-system-x86_64', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0].replace(/^QEMU emulator version /, '');
  const table = [
    BEGIN,
    '## x86_64: Linux 6.1 PVH boot on the x86_64 board (`npm run bench x86-boot`)',
    '',
    `The c2w x86_64 kernel (tools/x86_64, ADR 0023; ${kernel.split('/').slice(-2, -1)[0].slice(0, 12)}; no \`mitigations=off\`) with a busybox initramfs (the host's amd64 busybox-static),`,
    `256 MiB, \`${APPEND}\`; /init prints \`${FIRST}\`, sums 1000 squares in the shell and reboots (a triple fault).`,
    `${REPEAT} runs each, alternating (median), wall seconds from process start (wasm: with Node start-up and compilation);`,
    `guest MIPS from \`--stats\`. ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, QEMU ${qemuVersion}, host load ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]} at the end.`,
    '',
    '| board | s to first /init line | s to exit | guest insns | guest MIPS |',
    '|---|---:|---:|---:|---:|',
    ...Object.entries(runs).map(([name, rs]) => `| ${name} | ${median(rs.map((r) => r.first)).toFixed(2)} | ${median(rs.map((r) => r.exit)).toFixed(2)} | ` +
      `${rs[0].insns ? `${(median(rs.map((r) => r.insns)) / 1e6).toFixed(1)} M` : ''} | ${rs[0].mips ? median(rs.map((r) => r.mips)).toFixed(1) : ''} |`),
    END,
  ].join('\n');
  writeBenchSection(doc, BEGIN, END, table);
} finally {
  rmSync(work, { recursive: true, force: true });
}
