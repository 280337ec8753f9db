import { rm } from 'node:fs/promises';

/** What every atomic output (a stream or a seekable file) offers to be committed with others. */
export interface Committable {
  /** Where it appears on commit; null for stdout. */
  readonly path: string | null;
  /** Flushes and closes the temporary file; a failure (a full disk) is an EnvironmentError naming the path. */
  finish(): Promise<void>;
  /** finish(), then the rename into place. */
  commit(): Promise<void>;
  /** Removes the temporary file (nothing once committed). */
  abort(): Promise<void>;
  /** The error to report for `err`: this output's own write failure, naming its path, if it had one. */
  blame(err: unknown): unknown;
}

/**
 * Commits the outputs of one command together: all are flushed and closed first (where a full disk
 * shows), and only then renamed, so a late failure (the report after the tar) leaves none of them.
 * If a rename fails, the ones already renamed are removed again: a set is all or nothing.
 */
export async function commitAll(outputs: readonly (Committable | undefined)[]): Promise<void> {
  const present = outputs.filter((o): o is Committable => o !== undefined);
  const committed: Committable[] = [];
  try {
    for (const o of present) await o.finish();
    for (const o of present) {
      await o.commit();
      committed.push(o);
    }
  } catch (err) {
    await abortAll(present);
    for (const o of committed) if (o.path !== null) await rm(o.path, { force: true });
    throw err;
  }
}

export async function abortAll(outputs: readonly (Committable | undefined)[]): Promise<void> {
  for (const o of outputs) await o?.abort();
}

/** The error to report: the first output that failed to write claims it (naming its path). */
export function blameOutputs(outputs: readonly (Committable | undefined)[], err: unknown): unknown {
  for (const o of outputs) {
    const blamed = o?.blame(err);
    if (blamed !== undefined && blamed !== err) return blamed;
  }
  return err;
}

/**
 * Runs `produce` with outputs created beforehand (so a missing directory fails before any work) and
 * commits them all if it succeeds; any failure removes every temporary file and rethrows.
 */
export async function writeAllAtomically<T>(outputs: readonly (Committable | undefined)[], produce: () => Promise<T>): Promise<T> {
  try {
    const result = await produce();
    await commitAll(outputs);
    return result;
  } catch (err) {
    await abortAll(outputs);
    throw blameOutputs(outputs, err);
  }
}
