// Shared by the single-file and oci-runtime benches: one cold process of a container command, timed.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The ten-line node:wasi runner of docs/single-file.md (and e2e/test/single-file.e2e.test.ts): `node RUNNER out.wasm ARGS`. */
export const WASI_RUNNER = `import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';
const [file, ...args] = process.argv.slice(2);
const wasi = new WASI({ version: 'preview1', args: ['out.wasm', ...args], returnOnExit: true, env: {}, preopens: {} });
const instance = await WebAssembly.instantiate(await WebAssembly.compile(await readFile(file)), { wasi_snapshot_preview1: wasi.wasiImport });
process.exitCode = wasi.start(instance);
`;

/**
 * Seconds from spawn to the first complete stdout line and to exit; the whole output must be
 * `expect`. With `cpu`, the process runs under GNU time and `cpu` is its user + sys seconds
 * (every thread and child), which a shared host disturbs less than wall time.
 */
export function firstLine(argv, { expect = 'hello\n', cpu = false } = {}) {
  const timeDir = cpu ? mkdtempSync(join(tmpdir(), 'c2w-bench-time-')) : undefined;
  const cpuFile = timeDir && join(timeDir, 'cpu.txt');
  const command = cpuFile ? ['/usr/bin/time', '-f', '%U %S', '-o', cpuFile, ...argv] : argv;
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(command[0], command.slice(1), { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    let first;
    child.stdout.on('data', (d) => {
      out += d;
      if (first === undefined && out.includes('\n')) first = Number(process.hrtime.bigint() - t0) / 1e9;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const total = Number(process.hrtime.bigint() - t0) / 1e9;
      try {
        if (code !== 0 || out !== expect) throw new Error(`${argv.join(' ')}: status ${code}, output ${JSON.stringify(out)}`);
        if (!cpuFile) return resolve({ first, total });
        const [user, sys] = readFileSync(cpuFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
        resolve({ first, total, cpu: user + sys });
      } catch (err) {
        reject(err);
      } finally {
        if (timeDir) rmSync(timeDir, { recursive: true, force: true });
      }
    });
  });
}
