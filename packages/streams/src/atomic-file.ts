import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { EnvironmentError, environmentFailure, systemErrorIn } from '@c2w/errors';
import { tempPathFor, trackTemporary } from './atomic-output.js';
import type { Committable } from './atomic-commit.js';

/**
 * A seekable output that appears only when complete: a FileHandle on `<dir>/.<name>.tmp-<pid>`
 * for writers that need positional writes (an ISO writes its volume descriptors last). commit()
 * closes and renames; abort() (or process exit) removes the temporary file. `tempPath` set means
 * write exactly there instead (a spool file the caller copies elsewhere and then aborts).
 */
export interface AtomicFile extends Committable {
  readonly handle: FileHandle;
  readonly tempPath: string;
  readonly path: string;
}

/** Syscalls by which only a writer of this file fails (a reader of an input fails with read or open). */
const WRITE_SYSCALLS = new Set(['write', 'writev', 'ftruncate', 'fsync', 'fdatasync', 'close']);

export async function createAtomicFile(path: string, what = 'output', tempPath = tempPathFor(path)): Promise<AtomicFile> {
  // A spool is never renamed: a failure names the temporary file (in $TMPDIR), which is what filled up.
  const shown = tempPath === tempPathFor(path) ? path : tempPath;
  const untrack = trackTemporary(tempPath);
  let handle: FileHandle;
  try {
    handle = await open(tempPath, 'wx+');
  } catch (err) {
    untrack();
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new EnvironmentError(`cannot create ${what} ${shown}: ${code}`, { cause: err });
  }
  const failure = (err: unknown) => environmentFailure(`writing ${what} ${shown}`, err);
  let closing: Promise<void> | undefined;
  let settled = false;
  const finish = () => closing ??= handle.close().catch((err: unknown) => { throw failure(err); });
  return {
    handle,
    tempPath,
    path,
    finish,
    async commit() {
      if (settled) return;
      settled = true;
      try {
        await finish();
        await rename(tempPath, path);
        untrack();
      } catch (err) {
        await rm(tempPath, { force: true });
        untrack();
        throw err instanceof EnvironmentError ? err : failure(err);
      }
    },
    async abort() {
      if (settled) return;
      settled = true;
      await handle.close().catch(() => undefined);
      await rm(tempPath, { force: true });
      untrack();
    },
    // Callers write through `handle` directly, so a full disk reaches them as a bare ENOSPC.
    blame: (err) => (WRITE_SYSCALLS.has(systemErrorIn(err)?.syscall ?? '') ? failure(err) : err),
  };
}
