#!/usr/bin/env node
// Seconds from process start to the first shell line (BOOT-OK, printed by the guest's init) and
// guest MIPS, for the native build, the wasm build under Node, and qemu-system-riscv64 (TCG JIT,
// the anchor), on the same firmware, kernel and ISO root (tools/riscv64/artifacts.sh).
// usage: node bench/boot-time.mjs [--runs N] [--mode iso|initrd]   (prints a markdown table)
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const repo = join(pkg, '..', '..');
const argv = process.argv.slice(2);
const runs = Number(argv[argv.indexOf('--runs') + 1] || 0) || 5;
const mode = argv.includes('--mode') ? argv[argv.indexOf('--mode') + 1] : 'iso';

function artifacts() {
  const keys = ['C2W_FW', 'C2W_KERNEL', 'C2W_INITRD', 'C2W_ROOT_ISO'];
  if (keys.every((k) => process.env[k])) return Object.fromEntries(keys.map((k) => [k, process.env[k]]));
  const r = spawnSync('bash', [join(repo, 'tools/riscv64/artifacts.sh'), '--env'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return Object.fromEntries(r.stdout.trim().split('\n').map((l) => l.split('=')).map(([k, v]) => [k, v.replace(/^'|'$/g, '')]));
}
const a = artifacts();
const append = mode === 'iso' ? 'console=ttyS0 earlycon root=/dev/vda rootfstype=iso9660 ro init=/init' : 'console=ttyS0 earlycon';
const machineArgs = ['--bios', a.C2W_FW, '--kernel', a.C2W_KERNEL, '--append', append, '--stats',
  ...(mode === 'iso' ? ['--drive', `${a.C2W_ROOT_ISO},ro`] : ['--initrd', a.C2W_INITRD])];
const qemuArgs = ['-machine', 'virt', '-cpu', 'rv64', '-smp', '1', '-m', '256M', '-nographic', '-bios', a.C2W_FW,
  '-kernel', a.C2W_KERNEL, '-append', append,
  ...(mode === 'iso' ? ['-drive', `file=${a.C2W_ROOT_ISO},format=raw,if=none,id=hd,readonly=on`, '-device', 'virtio-blk-device,drive=hd']
    : ['-initrd', a.C2W_INITRD])];

const configs = {
  native: [join(pkg, 'build/native/c2w-machine'), machineArgs],
  'wasm (Node)': [process.execPath, [join(pkg, 'bin/c2w-machine-node.js'), ...machineArgs]],
  'qemu-system-riscv64': ['qemu-system-riscv64', qemuArgs],
};

function once(cmd, args) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '', tBoot = null;
    p.stdout.on('data', (d) => {
      out += d;
      if (tBoot === null && out.includes('BOOT-OK')) tBoot = Number(process.hrtime.bigint() - t0) / 1e9;
    });
    p.stderr.on('data', (d) => { err += d; });
    p.on('close', (code) => {
      const total = Number(process.hrtime.bigint() - t0) / 1e9;
      const m = /c2w-machine: (\d+) instructions in ([\d.]+) s/.exec(err);
      resolve({ code, tBoot, total, insns: m ? Number(m[1]) : null, runSecs: m ? Number(m[2]) : null });
    });
  });
}
const median = (xs) => { const s = [...xs].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };

console.log(`| ${mode} boot, ${runs} runs (median) | s to BOOT-OK | s to exit | guest insns | guest MIPS |`);
console.log('|---|---|---|---|---|');
for (const [name, [cmd, args]] of Object.entries(configs)) {
  const rs = [];
  for (let i = 0; i < runs; i++) rs.push(await once(cmd, args));
  if (rs.some((r) => r.tBoot === null)) { console.log(`| ${name} | failed | | | |`); continue; }
  const insns = rs[0].insns;
  const mips = insns ? median(rs.map((r) => r.insns / r.runSecs / 1e6)).toFixed(1) : 'n/a';
  console.log(`| ${name} | ${median(rs.map((r) => r.tBoot)).toFixed(3)} | ${median(rs.map((r) => r.total)).toFixed(3)} | ${insns ? (insns / 1e6).toFixed(1) + ' M' : 'n/a'} | ${mips} |`);
}
