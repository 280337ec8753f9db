// Shared by the single-file and oci-runtime benches: one cold `echo hello` process, timed.
import { spawn } from 'node:child_process';

/** Seconds from spawn to the first complete stdout line (which must be `hello`), and to exit. */
export function firstLine(argv) {
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
    child.on('close', (code) => {
      const total = Number(process.hrtime.bigint() - t0) / 1e9;
      if (code !== 0 || out !== 'hello\n') reject(new Error(`${argv.join(' ')}: status ${code}, output ${JSON.stringify(out)}`));
      else resolve({ first, total });
    });
  });
}
