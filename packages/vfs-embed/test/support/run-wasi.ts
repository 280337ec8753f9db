import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const runners = {
  node: fileURLToPath(new URL('./wasi-runner.mjs', import.meta.url)),
  'browser-shim': fileURLToPath(new URL('./browser-shim-runner.mjs', import.meta.url)),
};

export interface WasiRun { status: number | null; stdout: string; stderr: string }

/**
 * Runs a WASI module in a child process, under node:wasi (`dirs` maps guest paths to host ones) or
 * under @bjorn3/browser_wasi_shim (which has its own in-memory /host, see browser-shim-runner.mjs).
 */
export function runWasi(module: string, args: string[], dirs: Record<string, string> = {}, host: keyof typeof runners = 'node'): Promise<WasiRun> {
  const dirArgs = Object.entries(dirs).flatMap(([guest, host]) => ['--dir', `${guest}=${host}`]);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--no-warnings', runners[host], ...dirArgs, module, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
