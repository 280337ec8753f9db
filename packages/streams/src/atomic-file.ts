import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { EnvironmentError } from '@c2w/errors';
import { tempPathFor, trackTemporary } from './atomic-output.js';

/**
 * A seekable output that appears only when complete: a FileHandle on `<dir>/.<name>.tmp-<pid>`
 * for writers that need positional writes (an ISO writes its volume descriptors last). commit()
 * closes and renames; abort() (or process exit) removes the temporary file. `tempPath` set means
 * write exactly there instead (a spool file the caller copies elsewhere and then aborts).
 */
export interface AtomicFile {
  readonly handle: FileHandle;
  readonly tempPath: string;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

export async function createAtomicFile(path: string, what = 'output', tempPath = tempPathFor(path)): Promise<AtomicFile> {
  const untrack = trackTemporary(tempPath);
  let handle: FileHandle;
  try {
    handle = await open(tempPath, 'wx+');
  } catch (err) {
    untrack();
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new EnvironmentError(`cannot create ${what} ${path}: ${code}`, { cause: err });
  }
  let settled = false;
  return {
    handle,
    tempPath,
    async commit() {
      if (settled) return;
      settled = true;
      try {
        await handle.close();
        await rename(tempPath, path);
        untrack();
      } catch (err) {
        await rm(tempPath, { force: true });
        untrack();
        const code = (err as NodeJS.ErrnoException).code ?? String(err);
        throw new EnvironmentError(`writing ${what} ${path} failed: ${code}`, { cause: err });
      }
    },
    async abort() {
      if (settled) return;
      settled = true;
      await handle.close().catch(() => undefined);
      await rm(tempPath, { force: true });
      untrack();
    },
  };
}
