import { createWriteStream, rmSync, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { once } from 'node:events';
import { EnvironmentError, environmentFailure, isSystemError, systemErrorIn } from '@c2w/errors';
import { abortAll, commitAll, type Committable } from './atomic-commit.js';

/**
 * An output that appears only when complete: data goes to `<dir>/.<name>.tmp-<pid>` and is renamed
 * into place by commit(). abort() (or process exit) removes the temporary file, so a failed run
 * never leaves a partial artifact. `-` writes to stdout, where atomicity is the reader's business.
 */
export interface AtomicOutput extends Committable {
  readonly stream: Writable;
  readonly path: string | null;
}

const pendingTemps = new Set<string>();
let exitHookInstalled = false;

/** Removes temporaries still pending when the process exits (cli-kit turns signals into exits). */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const tmp of pendingTemps) rmSync(tmp, { force: true, recursive: true });
  });
}

/** Registers a temporary file to remove at process exit; returns the function that forgets it. */
export function trackTemporary(path: string): () => void {
  installExitHook();
  pendingTemps.add(path);
  return () => { pendingTemps.delete(path); };
}

export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}`);
}

export async function createAtomicOutput(path: string, what = 'output'): Promise<AtomicOutput> {
  if (path === '-') return stdoutOutput();
  const tmp = tempPathFor(path);
  const untrack = trackTemporary(tmp);
  // 1 MiB buffer: tar writers push 512-byte headers; bigger batches mean fewer thread-pool writes.
  const stream: WriteStream = createWriteStream(tmp, { flags: 'wx', highWaterMark: 1 << 20 });
  let streamError: unknown;
  // Only the file's own failures (ENOSPC, EIO) are this output's to blame: a pipeline that destroys
  // the stream with its producer's error (a digest mismatch) must keep that error's class.
  stream.on('error', (err) => { if (isSystemError(err)) streamError ??= err; });
  try {
    await once(stream, 'open');
  } catch (err) {
    untrack();
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new EnvironmentError(`cannot create ${what} ${path}: ${code}`, { cause: err });
  }
  const failure = (err: unknown) => environmentFailure(`writing ${what} ${path}`, err);
  let finishing: Promise<void> | undefined;
  let settled = false;
  const finish = () => finishing ??= (async () => {
    try {
      if (!stream.writableEnded) stream.end();
      await finished(stream);
      if (streamError) throw streamError;
    } catch (err) {
      throw failure(streamError ?? err);
    }
  })();
  return {
    stream,
    path,
    finish,
    async commit() {
      if (settled) return;
      try {
        await finish();
        await rename(tmp, path);
        settled = true;
        untrack();
      } catch (err) {
        settled = true;
        await rm(tmp, { force: true });
        untrack();
        throw err instanceof EnvironmentError ? err : failure(err);
      }
    },
    async abort() {
      if (settled) return;
      settled = true;
      stream.destroy();
      await finished(stream).catch(() => undefined);
      await rm(tmp, { force: true });
      untrack();
    },
    // The producer sees the raw write error (ENOSPC has no path in it); report it as this file's.
    blame: (err) => (streamError !== undefined ? failure(streamError) : err),
  };
}

function stdoutOutput(): AtomicOutput {
  const stream = process.stdout;
  const finish = async () => {
    // stream.pipeline ends its destination, stdout included: then 'finish' means flushed, and a
    // further write would fail with EPIPE (which cli-kit turns into a silent exit).
    if (stream.writableEnded) {
      if (!stream.writableFinished) await finished(stream);
      return;
    }
    // A write error on stdout (other than EPIPE, handled by cli-kit) must fail the command.
    await new Promise<void>((resolve, reject) => {
      stream.write('', (err) => (err ? reject(environmentFailure('writing standard output', err)) : resolve()));
    });
  };
  return {
    stream,
    path: null,
    finish,
    commit: finish,
    async abort() { /* cannot take back what a pipe has read */ },
    blame: (err) => (systemErrorIn(err)?.syscall === 'write' ? environmentFailure('writing standard output', err) : err),
  };
}

export interface OutputSpec { path: string; what: string }

/**
 * Creates several outputs of one command before its work starts (so a missing directory fails at
 * once); `undefined` specs (an option not given) stay undefined. On a failure none is left.
 */
export async function createAtomicOutputs<const T extends readonly (OutputSpec | undefined)[]>(specs: T): Promise<{ [K in keyof T]: undefined extends T[K] ? AtomicOutput | undefined : AtomicOutput }> {
  const made: (AtomicOutput | undefined)[] = [];
  try {
    for (const spec of specs) made.push(spec ? await createAtomicOutput(spec.path, spec.what) : undefined);
  } catch (err) {
    await abortAll(made);
    throw err;
  }
  return made as never;
}

/**
 * Runs `produce` against a fresh atomic output and commits it only if `produce` succeeds; any
 * failure removes the temporary file and rethrows. The usual way commands write their one artifact;
 * several outputs of one command go through writeAllAtomically, so they appear together or not at all.
 */
export async function writeAtomically<T>(path: string, what: string, produce: (stream: Writable) => Promise<T>): Promise<T> {
  const out = await createAtomicOutput(path, what);
  try {
    const result = await produce(out.stream);
    await commitAll([out]);
    return result;
  } catch (err) {
    await abortAll([out]);
    throw out.blame(err);
  }
}
