import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { InputError } from '@c2w/errors';

/** Where the machine finds the bundle while wizer boots it (snapshot.c: a name no run preopens). */
export const WIZER_MOUNT = '/c2w-wizer';
/** wizer's stderr kept for the error message (the guest's own output is not the converter's). */
const STDERR_TAIL_BYTES = 4096;

/**
 * machine.wasm -> the same module booted until c2w-init waits for its run request, snapshotted
 * by wizer (docs/decisions/0038-pre-booted-snapshot.md). The machine reads the bundle (with its
 * `.single-file` parts) under WIZER_MOUNT; nothing else of the host: no environment, no stdin.
 * Runs before vfs-embed, since wizer drops passive data segments.
 */
export async function snapshotMachine(machineWasm: string, bundleDir: string, out: string): Promise<void> {
  const { default: wizer } = await import('@bytecodealliance/wizer');
  const args = ['--allow-wasi', '--wasm-bulk-memory', 'true', '--inherit-env', 'false', '--mapdir', `${WIZER_MOUNT}::${resolve(bundleDir)}`,
    '--init-func', 'wizer.initialize', '-o', out, machineWasm];
  const child = spawn(wizer, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let tail = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => { tail = (tail + s).slice(-STDERR_TAIL_BYTES); });
  const code = await new Promise<number | null>((ok, fail) => { child.on('error', fail); child.on('close', ok); });
  if (code !== 0) {
    const why = tail.trim().split('\n').filter(Boolean).slice(-3).join(' / ') || `exit status ${code}`;
    throw new InputError(`snapshotting the booted machine with wizer failed (${why}); convert with --no-snapshot for a module that boots at every start`);
  }
}
