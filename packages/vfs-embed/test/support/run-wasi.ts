import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const runner = fileURLToPath(new URL('./wasi-runner.mjs', import.meta.url));

export interface WasiRun { status: number | null; stdout: string; stderr: string }

/** Runs a WASI module under node:wasi in a child process; `dirs` maps guest paths to host ones. */
export function runWasi(module: string, args: string[], dirs: Record<string, string> = {}): Promise<WasiRun> {
  const dirArgs = Object.entries(dirs).flatMap(([guest, host]) => ['--dir', `${guest}=${host}`]);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--no-warnings', runner, ...dirArgs, module, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
