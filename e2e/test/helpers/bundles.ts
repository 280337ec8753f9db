import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBin, workspaceRoot, type BinResult } from '@c2w/testing';

export const tmp = (prefix: string) => mkdtemp(join(tmpdir(), `c2w-e2e-${prefix}-`));

/** `c2w ARGS` as a user at a terminal runs it: stdin stays open. */
export async function c2w(args: string[]): Promise<BinResult> {
  return runBin('c2w', args, { keepStdinOpen: true });
}

export async function convert(image: string, out: string, extra: string[] = []): Promise<string> {
  const r = await c2w(['convert', ...extra, `oci:${image}:latest`, out]);
  if (r.exitCode !== 0) throw new Error(`c2w convert failed (${r.exitCode}): ${r.stderr}`);
  return out;
}

/** `c2w ARGS` (stdin open, as `c2w`), with the host's clock (ms since the epoch) as each stdout line arrived. */
export function c2wTimedLines(args: string[]): Promise<{ exitCode: number | null; lines: { text: string; at: number }[]; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [join(workspaceRoot, 'packages', 'c2w', 'bin', 'run.js'), ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    const lines: { text: string; at: number }[] = [];
    let partial = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => {
      const at = Date.now();
      const parts = (partial + d.toString('utf8')).split('\n');
      partial = parts.pop() ?? '';
      for (const text of parts) lines.push({ text, at });
    });
    p.stderr.on('data', (d: Buffer) => { stderr += d.toString('utf8'); });
    p.on('error', reject);
    p.on('close', (exitCode) => resolve({ exitCode, lines, stderr }));
  });
}
