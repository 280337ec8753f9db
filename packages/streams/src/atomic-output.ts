import { createWriteStream, rmSync, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { once } from 'node:events';
import { EnvironmentError } from '@c2w/errors';

/**
 * An output that appears only when complete: data goes to `<dir>/.<name>.tmp-<pid>` and is renamed
 * into place by commit(). abort() (or process exit) removes the temporary file, so a failed run
 * never leaves a partial artifact. `-` writes to stdout, where atomicity is the reader's business.
 */
export interface AtomicOutput {
  readonly stream: Writable;
  readonly path: string | null;
  commit(): Promise<void>;
  abort(): Promise<void>;
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
  installExitHook();
  const tmp = tempPathFor(path);
  pendingTemps.add(tmp);
  // 1 MiB buffer: tar writers push 512-byte headers; bigger batches mean fewer thread-pool writes.
  const stream: WriteStream = createWriteStream(tmp, { flags: 'wx', highWaterMark: 1 << 20 });
  let openError: unknown;
  stream.on('error', (err) => { openError ??= err; });
  try {
    await once(stream, 'open');
  } catch (err) {
    pendingTemps.delete(tmp);
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new EnvironmentError(`cannot create ${what} ${path}: ${code}`, { cause: err });
  }
  let settled = false;
  return {
    stream,
    path,
    async commit() {
      if (settled) return;
      settled = true;
      try {
        if (!stream.writableEnded) stream.end();
        await finished(stream);
        if (openError) throw openError;
        await rename(tmp, path);
        pendingTemps.delete(tmp);
      } catch (err) {
        await rm(tmp, { force: true });
        pendingTemps.delete(tmp);
        const code = (err as NodeJS.ErrnoException).code ?? String(err);
        throw new EnvironmentError(`writing ${what} ${path} failed: ${code}`, { cause: err });
      }
    },
    async abort() {
      if (settled) return;
      settled = true;
      stream.destroy();
      await finished(stream).catch(() => undefined);
      await rm(tmp, { force: true });
      pendingTemps.delete(tmp);
    },
  };
}

function stdoutOutput(): AtomicOutput {
  const stream = process.stdout;
  return {
    stream,
    path: null,
    async commit() {
      // stream.pipeline ends its destination, stdout included: then 'finish' means flushed, and a
      // further write would fail with EPIPE (which cli-kit turns into a silent exit).
      if (stream.writableEnded) {
        if (!stream.writableFinished) await finished(stream);
        return;
      }
      // A write error on stdout (other than EPIPE, handled by cli-kit) must fail the command.
      await new Promise<void>((resolve, reject) => {
        stream.write('', (err) => (err ? reject(err) : resolve()));
      });
    },
    async abort() { /* cannot take back what a pipe has read */ },
  };
}

/**
 * Runs `produce` against a fresh atomic output and commits it only if `produce` succeeds; any
 * failure removes the temporary file and rethrows. The usual way commands write their artifact.
 */
export async function writeAtomically<T>(path: string, what: string, produce: (stream: Writable) => Promise<T>): Promise<T> {
  const out = await createAtomicOutput(path, what);
  try {
    const result = await produce(out.stream);
    await out.commit();
    return result;
  } catch (err) {
    await out.abort();
    throw err;
  }
}
