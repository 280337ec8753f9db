import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBin, type BinResult } from '@c2w/testing';

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
