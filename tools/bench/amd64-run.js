#!/usr/bin/env node
// amd64 images without double emulation (issue 13): the amd64 Debian python3 + numpy image
// (tools/x86_64/build-python-image.sh) converted twice, for the x86_64 machine (the default) and
// for riscv64 with qemu-user (--machine riscv64, the path before the x86_64 machine), each run
// from a cold `c2w run` process; next to qemu-system-x86_64 -M microvm (TCG) booting the same
// vmlinux, root.iso and run channel. Seconds from process start to the command's output (QEMU
// microvm without ACPI cannot power off, so the output is the common end point) and to exit;
// median of REPEAT runs. Writes docs/bench/amd64-run.md. Targets (issue 13): print < 3 s, det < 10 s.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { finished } from 'node:stream/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeBenchDoc } from './_doc.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const REPEAT = Number(process.env['BENCH_REPEAT'] ?? 3);
const c2w = join(root, 'packages/c2w/bin/run.js');
const COMMANDS = [
  { name: 'print', args: ['python3', '-c', 'print(1+1)'], expect: '2\n', target: 3 },
  {
    name: 'numpy det 200x200',
    args: ['python3', '-c', 'import numpy; a = numpy.random.default_rng(0).random((200, 200)); print("det", numpy.linalg.det(a) != 0)'],
    expect: 'det True',
    target: 10,
  },
];

/** One cold run: seconds to the expected output and to exit (killed at `killAfterOutput`). */
function timed(cmd, args, expect, { killAfterOutput = false, timeout = 600 } = {}) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const secs = () => Number(process.hrtime.bigint() - t0) / 1e9;
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let output;
    const timer = setTimeout(() => p.kill('SIGKILL'), timeout * 1000);
    p.stdout.on('data', (d) => {
      out += d;
      if (output === undefined && out.replace(/\r/g, '').includes(expect)) {
        output = secs();
        if (killAfterOutput) p.kill('SIGKILL');
      }
    });
    p.stderr.on('data', (d) => { err += d; });
    p.on('close', (code) => {
      clearTimeout(timer);
      // a failing row is a result too (the last line says why), not the end of the benchmark
      const why = (out + err).replace(/\r/g, '').trim().split('\n').filter((l) => !l.startsWith('c2w-machine:')).pop() ?? `exit ${code}`;
      if (output === undefined) resolve({ failed: `${why.slice(0, 160)} (exit ${code})` });
      const stats = /c2w-machine: (\d+) instructions in [\d.]+ s = ([\d.]+) MIPS/.exec(err);
      if (output !== undefined) resolve({ output, exit: killAfterOutput ? undefined : secs(), code, insns: stats ? Number(stats[1]) / 1e6 : undefined, mips: stats ? Number(stats[2]) : undefined });
    });
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (runs, key) => {
  const failed = runs.find((r) => r.failed);
  if (failed) return `failed: ${failed.failed.replace(/\|/g, '/')}`;
  return runs.every((r) => r[key] !== undefined) ? median(runs.map((r) => r[key])).toFixed(2) : '-';
};
const med = (runs) => (runs.some((r) => r.failed) ? NaN : median(runs.map((r) => r.output)));

function convert(layout, out, extra) {
  const r = spawnSync(process.execPath, [c2w, 'convert', ...extra, `oci:${layout}:latest`, out], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bench amd64-run: c2w convert ${extra.join(' ')} failed (${r.status}): ${r.stderr.slice(-1000)}`);
  return JSON.parse(readFileSync(join(out, 'bundle.json'), 'utf8'));
}

/** qemu-system-x86_64 -M microvm on the x86_64 bundle's vmlinux and root disk, with a channel for `args`. */
async function qemuArgs(bundle, b, args, work) {
  const { runtimeConfig, writeRunChannel } = await import(pathToFileURL(join(root, 'packages/emu-build/dist/index.js')).href);
  const config = runtimeConfig(JSON.parse(readFileSync(join(bundle, 'image-config.json'), 'utf8')), { args });
  const channel = join(work, `channel-${args.length}-${args.at(-1).length}.tar`);
  const s = createWriteStream(channel);
  await writeRunChannel({ schemaVersion: 1, arch: 'amd64', time: Math.floor(Date.now() / 1000), config }, s);
  await finished(s);
  // acpi=off: QEMU then names the virtio-mmio devices on the command line (ADR 0023)
  return ['-M', 'microvm,acpi=off', '-m', b.machine.memory, '-nographic', '-no-reboot', '-kernel', join(bundle, b.boot.kernel),
    '-append', b.boot.append,
    '-drive', `file=${join(bundle, b.disks[0].file)},format=raw,if=none,id=hd,readonly=on`, '-device', 'virtio-blk-device,drive=hd',
    '-drive', `file=${channel},format=raw,if=none,id=ch,readonly=on`, '-device', 'virtio-blk-device,drive=ch'];
}

// the bundle's root disk (root.erofs by default since ADR 0031, root.iso before)
const rootMiB = (b) => `${b.disks[0].file} ${(b.files[b.disks[0].file].size / 1048576).toFixed(1)} MiB`;

export async function run({ out = join(root, 'docs', 'bench', 'amd64-run.md') } = {}) {
  const layout = spawnSync('bash', [join(root, 'tools/x86_64/build-python-image.sh')], { encoding: 'utf8' }).stdout.trim().split('\n').pop();
  const work = mkdtempSync(join(tmpdir(), 'c2w-bench-amd64-'));
  try {
    const x86 = join(work, 'x86');
    const rv = join(work, 'rv');
    const bx = convert(layout, x86, []);
    const br = convert(layout, rv, ['--machine', 'riscv64']);
    if (bx.machine.arch !== 'x86_64' || br.machine.arch !== 'riscv64') throw new Error('bench amd64-run: the bundles are not on the machines asked for');
    const sections = [];
    for (const cmd of COMMANDS) {
      const rows = { ours: [], qemuUser: [], qemu: [] };
      const qemu = await qemuArgs(x86, bx, cmd.args, work);
      // alternating, so load changes on the shared host hit every row alike
      for (let i = 0; i < REPEAT; i++) {
        rows.ours.push(await timed(process.execPath, [c2w, 'run', '--stats', x86, '--', ...cmd.args], cmd.expect));
        rows.qemuUser.push(await timed(process.execPath, [c2w, 'run', '--stats', rv, '--', ...cmd.args], cmd.expect));
        rows.qemu.push(await timed('qemu-system-x86_64', qemu, cmd.expect, { killAfterOutput: true }));
      }
      const ours = med(rows.ours);
      sections.push(`## \`${cmd.args.join(' ')}\`

| what | s to output | s to exit | guest Minsns | MIPS |
|---|---:|---:|---:|---:|
| c2w run, x86_64 machine (wasm under Node) | ${fmt(rows.ours, 'output')} | ${fmt(rows.ours, 'exit')} | ${fmt(rows.ours, 'insns')} | ${fmt(rows.ours, 'mips')} |
| c2w run --machine riscv64 bundle: qemu-user in the RV64 guest (wasm under Node) | ${fmt(rows.qemuUser, 'output')} | ${fmt(rows.qemuUser, 'exit')} | ${fmt(rows.qemuUser, 'insns')} | ${fmt(rows.qemuUser, 'mips')} |
| qemu-system-x86_64 -M microvm (TCG), same vmlinux and disks | ${fmt(rows.qemu, 'output')} | - | - | - |

Target: under ${cmd.target} s (${ours < cmd.target ? 'met' : 'not met'}: ${Number.isNaN(ours) ? 'failed' : `${ours.toFixed(2)} s`}). qemu-user path / x86_64 machine: ${(med(rows.qemuUser) / ours).toFixed(2)}x; x86_64 machine / QEMU TCG: ${(ours / med(rows.qemu)).toFixed(2)}x.
`);
    }
    const md = `# amd64 images: x86_64 machine vs qemu-user vs QEMU (issue 13)

Median of ${REPEAT} cold runs on this shared 2-core host, alternating the rows. Image:
tools/x86_64/build-python-image.sh (Debian bookworm amd64, python3 + numpy), converted once per
machine (root disk ${rootMiB(bx)} on x86_64, ${rootMiB(br)} on riscv64 with the qemu-user guest base), ${bx.machine.memory} guest RAM. Seconds from
process start to the command's output, and to the process exit; QEMU microvm without ACPI cannot
power off, so it is measured to the output only. Made by \`npm run bench amd64-run\`.

${sections.join('\n')}`;
    writeBenchDoc(out, md);
    process.stderr.write(md);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run();
