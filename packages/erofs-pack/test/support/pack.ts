import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { packErofs, type PackResult } from '../../src/pack.js';
import type { ErofsPackOptions } from '../../src/options.js';

export const EPOCH = 1_700_000_000;

/** Packs in-process (the CLI is tested separately) into DIR/NAME; returns the image path. */
export async function packTo(dir: string, tars: Array<Buffer | { tar: Buffer | AsyncIterable<Uint8Array>; graft: string }>, options: Partial<ErofsPackOptions> = {}, name = 'out.erofs', warnings: string[] = []): Promise<{ path: string; result: PackResult }> {
  const path = join(dir, name);
  const handle = await open(path, 'wx+');
  try {
    const inputs = tars.map((t, i) => {
      const { tar, graft } = Buffer.isBuffer(t) ? { tar: t, graft: '' } : t;
      return { source: Buffer.isBuffer(tar) ? Readable.from([tar]) : tar, graft, what: `input ${i}` };
    });
    const result = await packErofs(inputs, handle, { label: 'TEST', epoch: EPOCH, ...options }, (m) => warnings.push(m));
    return { path, result };
  } finally {
    await handle.close();
  }
}
