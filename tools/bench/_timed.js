// One child process to completion with its wall time: what the benches that read a machine's
// `--stats` line measure.
import { spawn } from 'node:child_process';

/** Runs cmd with stdin closed; resolves with its exit code, stdout, stderr and wall seconds. */
export function runTimed(cmd, args, env = process.env) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { err += d; });
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, out, err, seconds: Number(process.hrtime.bigint() - t0) / 1e9 }));
  });
}
