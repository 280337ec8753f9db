import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { environmentFailure } from '@c2w/errors';
import { createAtomicFile, type AtomicFile } from './atomic-file.js';

/**
 * The output of a writer that patches bytes it wrote earlier (an ISO's volume descriptors, a wasm
 * section's size): a file is an AtomicFile; `-` spools to $TMPDIR, since a pipe cannot seek, and
 * commit() copies the spool to stdout and removes it, named `.<tool>-<pid><extension>` there.
 */
export async function createSeekableOutput(path: string, tool: string, extension: string): Promise<AtomicFile> {
  if (path !== '-') return createAtomicFile(path, 'output');
  const spool = await createAtomicFile('stdout', 'spool file', join(process.env['TMPDIR'] ?? tmpdir(), `.${tool}-${process.pid}${extension}`));
  return {
    ...spool,
    async commit() {
      try {
        await pipeline(spool.handle.createReadStream({ start: 0, highWaterMark: 1 << 20, autoClose: false }), process.stdout, { end: false });
      } catch (err) {
        throw environmentFailure('writing standard output', err);
      } finally {
        await spool.abort();
      }
    },
  };
}
