import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBin, type BinResult } from '@c2w/testing';

export const tmp = (prefix: string) => mkdtemp(join(tmpdir(), `c2w-e2e-${prefix}-`));

/** `c2w ARGS` as a user runs it; fails the test with stderr if a convert does not succeed. */
export async function c2w(args: string[], input?: string): Promise<BinResult> {
  return runBin('c2w', args, input !== undefined ? { input } : {});
}

export async function convert(image: string, out: string, extra: string[] = []): Promise<string> {
  const r = await c2w(['convert', ...extra, `oci:${image}:latest`, out]);
  if (r.exitCode !== 0) throw new Error(`c2w convert failed (${r.exitCode}): ${r.stderr}`);
  return out;
}
