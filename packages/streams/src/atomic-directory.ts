import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { EnvironmentError } from '@c2w/errors';
import { tempPathFor, trackTemporary } from './atomic-output.js';

/**
 * A directory that appears only when complete: fill `path` (`<parent>/.<name>.tmp-<pid>`), then
 * commit() renames it to `target`; abort() (or process exit) removes it. An existing target is
 * replaced only by a complete new one (`replace`), else commit() fails with the rename's EEXIST or
 * ENOTEMPTY as the cause, so a caller racing another process can decide whose copy to keep.
 */
export interface AtomicDirectory {
  /** The temporary directory to write into. */
  readonly path: string;
  readonly target: string;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

export interface AtomicDirectoryOptions {
  /** Replace an existing target at commit (default false: fail). */
  replace?: boolean;
  /** The temporary directory; default `tempPathFor(target)`. Give a unique one when one process may build the same target twice at once. */
  tempPath?: string;
}

export async function createAtomicDirectory(target: string, what = 'output directory', options: AtomicDirectoryOptions = {}): Promise<AtomicDirectory> {
  const final = resolve(target);
  const tmp = options.tempPath ?? tempPathFor(final);
  const untrack = trackTemporary(tmp);
  try {
    // A leftover of a killed run with the same pid would otherwise be mixed into this one.
    await rm(tmp, { recursive: true, force: true });
    await mkdir(tmp, { recursive: true });
  } catch (err) {
    untrack();
    throw new EnvironmentError(`cannot create ${what} ${target}: ${codeOf(err)}`, { cause: err });
  }
  let settled = false;
  const discard = async () => {
    await rm(tmp, { recursive: true, force: true });
    untrack();
  };
  return {
    path: tmp,
    target: final,
    async commit() {
      if (settled) return;
      settled = true;
      try {
        if (options.replace) await replaceDirectory(tmp, final);
        else await rename(tmp, final);
        untrack();
      } catch (err) {
        await discard();
        throw new EnvironmentError(`writing ${what} ${target} failed: ${codeOf(err)}`, { cause: err });
      }
    },
    async abort() {
      if (settled) return;
      settled = true;
      await discard();
    },
  };
}

/** Swaps `tmp` in for `target`: the old directory moves aside first and goes only after the swap. */
async function replaceDirectory(tmp: string, target: string): Promise<void> {
  const old = join(dirname(target), `.${basename(target)}.old-${process.pid}`);
  const untrackOld = trackTemporary(old);
  try {
    await rm(old, { recursive: true, force: true });
    let moved = true;
    await rename(target, old).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
      moved = false;
    });
    try {
      await rename(tmp, target);
    } catch (err) {
      if (moved) await rename(old, target).catch(() => undefined); // put the old one back
      throw err;
    }
    await rm(old, { recursive: true, force: true });
  } finally {
    untrackOld();
  }
}

function codeOf(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? String(err);
}
