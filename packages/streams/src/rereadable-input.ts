import { createReadStream } from 'node:fs';
import { open, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { EnvironmentError, environmentFailure } from '@c2w/errors';
import { openInput } from './open-input.js';
import { trackTemporary } from './atomic-output.js';

/**
 * An input read twice (a scan, then a rewrite). A regular file is simply reopened; stdin (or a
 * pipe) is copied to a temporary file while the first pass reads it: disk, never memory.
 */
export interface RereadableInput {
  /** The first read; call once and read to the end before calling again(). */
  first(): AsyncIterable<Uint8Array>;
  again(): Promise<Readable>;
  /** Removes the spool file, if any. */
  close(): Promise<void>;
}

export async function openRereadableInput(spec: string, what = 'input', spoolDir = tmpdir(), stdin: AsyncIterable<Uint8Array> = process.stdin): Promise<RereadableInput> {
  const source = spec === '-' ? stdin : await openInput(spec, what);
  // Only a regular file can be reopened; a FIFO or `<(cmd)` is spooled like stdin.
  if (spec !== '-' && (await stat(spec)).isFile()) {
    return { first: () => source, again: () => openInput(spec, what), close: async () => undefined };
  }
  const spool = join(spoolDir, `.c2w-spool-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const untrack = trackTemporary(spool);
  let complete = false;
  return {
    first: () => teeToFile(source, spool, () => { complete = true; }),
    async again() {
      if (!complete) throw new Error(`${what}: second read before the first one finished`);
      return createReadStream(spool, { highWaterMark: 1 << 20 });
    },
    async close() {
      await rm(spool, { force: true });
      untrack();
    },
  };
}

async function* teeToFile(source: AsyncIterable<Uint8Array>, path: string, onEnd: () => void): AsyncGenerator<Uint8Array> {
  const handle = await open(path, 'wx').catch((err: NodeJS.ErrnoException) => {
    throw new EnvironmentError(`cannot create spool file ${path}: ${err.code ?? String(err)}`, { cause: err });
  });
  try {
    for await (const chunk of source) {
      // a full $TMPDIR is named: the bare ENOSPC would not say which disk filled up
      await handle.write(chunk).catch((err: unknown) => { throw environmentFailure(`writing spool file ${path}`, err); });
      yield chunk;
    }
    onEnd();
  } finally {
    await handle.close();
  }
}
