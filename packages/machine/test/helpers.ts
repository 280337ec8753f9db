// Test helpers: run the machine natively or as wasm under Node, locate the boot artifacts.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const pkgDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const repoDir = resolve(pkgDir, '..', '..');
export const nativeBin = join(pkgDir, 'build', 'native', 'c2w-machine');
export const nodeBin = join(pkgDir, 'bin', 'c2w-machine-node.js');
export type Mode = 'native' | 'wasm';
export const found = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
/** An x86-64 gcc: the host's on an x86-64 host, else Debian's cross compiler (gcc-x86-64-linux-gnu). */
export function x86Gcc(): string | undefined {
  const host = spawnSync('gcc', ['-dumpmachine'], { encoding: 'utf8' });
  if (host.status === 0 && host.stdout.startsWith('x86_64')) return 'gcc';
  return found('x86_64-linux-gnu-gcc') ? 'x86_64-linux-gnu-gcc' : undefined;
}
export const MODES: Mode[] = ['native', 'wasm'];

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  timeoutMs?: number;
  /** Called with the output so far each time the guest prints; returns text to type, or null. */
  interact?: (stdout: string) => string | null;
  /** Written to stdin in order, `gapMs` apart, then stdin is closed (instead of at once). */
  input?: { chunks: (Buffer | string)[]; gapMs?: number };
}

export function runMachine(mode: Mode, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const [cmd, argv] = mode === 'native' ? [nativeBin, args] : [process.execPath, [nodeBin, ...args]];
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, argv, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString('latin1');
      const reply = opts.interact?.(stdout);
      if (reply) child.stdin.write(reply);
    });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString('latin1'); });
    child.stdin.on('error', () => undefined);
    if (opts.input) {
      const { chunks, gapMs = 0 } = opts.input;
      void (async () => {
        for (const [i, c] of chunks.entries()) {
          if (i > 0 && gapMs) await new Promise((r) => setTimeout(r, gapMs));
          child.stdin.write(c);
        }
        child.stdin.end();
      })();
    } else if (!opts.interact) child.stdin.end();
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

export interface Artifacts {
  C2W_FW: string;
  C2W_KERNEL: string;
  C2W_INITRD: string;
  C2W_ROOT_ISO: string;
  C2W_QEMU_LOGS: string;
}

/** Builds (or finds in ~/.cache/c2w) the firmware, kernel and guest roots: tools/riscv64/artifacts.sh. */
export function artifacts(): Artifacts {
  const keys = ['C2W_FW', 'C2W_KERNEL', 'C2W_INITRD', 'C2W_ROOT_ISO', 'C2W_QEMU_LOGS'] as const;
  // Pre-set environment (all five variables) wins, e.g. to test another kernel.
  if (keys.every((k) => process.env[k])) return Object.fromEntries(keys.map((k) => [k, process.env[k] as string])) as unknown as Artifacts;
  const r = spawnSync('bash', [join(repoDir, 'tools/riscv64/artifacts.sh'), '--env'], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`tools/riscv64/artifacts.sh failed:\n${r.stderr}`);
  const env: Record<string, string> = {};
  for (const line of r.stdout.split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    if (m) env[m[1] as string] = (m[2] as string).replace(/\\(.)/g, '$1').replace(/^'(.*)'$/, '$1');
  }
  return env as unknown as Artifacts;
}

/** QEMU's console log for the same artifacts (tools/riscv64/boot-qemu.sh --save MODE). */
export function qemuLog(a: Artifacts, mode: 'initrd' | 'iso'): string {
  const f = join(a.C2W_QEMU_LOGS, `${mode}.log`);
  if (!existsSync(f)) {
    const r = spawnSync('bash', [join(repoDir, 'tools/riscv64/boot-qemu.sh'), '--save', mode], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`boot-qemu.sh --save ${mode} failed:\n${r.stdout}\n${r.stderr}`);
  }
  return spawnSync('cat', [f], { encoding: 'latin1' }).stdout;
}

/** Kernel log lines without timestamps and carriage returns. */
export function consoleLines(text: string): string[] {
  return text.split('\n').map((l) => l.replace(/\r/g, '').replace(/^\[ *\d+\.\d+\] /, '')).filter((l) => l.length > 0);
}
