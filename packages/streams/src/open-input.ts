import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { EnvironmentError, InputError } from '@c2w/errors';

/** `-` is stdin; anything else a file that must exist and be readable. */
export async function openInput(spec: string, what = 'input'): Promise<Readable> {
  if (spec === '-') return process.stdin;
  await assertReadableFile(spec, what);
  // 1 MiB reads: with 64 KiB ones, thread-pool round trips dominate when the cores are busy.
  return createReadStream(spec, { highWaterMark: 1 << 20 });
}

export async function assertReadableFile(path: string, what = 'input'): Promise<void> {
  try {
    const st = await stat(path);
    if (st.isDirectory()) throw new InputError(`${what} ${path} is a directory, expected a file`);
  } catch (err) {
    if (err instanceof InputError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError(`${what} ${path} does not exist`, { cause: err });
    throw new EnvironmentError(`cannot open ${what} ${path}: ${code ?? String(err)}`, { cause: err });
  }
}
