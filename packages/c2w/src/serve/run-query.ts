import { UsageError } from '@c2w/errors';
import type { RunRequestOptions } from '../run/run-request.js';

/**
 * A page URL's query as Docker takes a command: repeated `arg` replace the image's Cmd, `env`
 * (KEY=VALUE, repeatable) adds to its Env, and `entrypoint`, `workdir`, `user` are the flags of the
 * same names. The page is a terminal, so the container's stdin is the console (`tty`).
 */
export function runQuery(query: URLSearchParams): RunRequestOptions {
  const env = query.getAll('env');
  for (const e of env) if (!/^[^=]+=/.test(e)) throw new UsageError(`env parameter '${e}' is not KEY=VALUE`);
  const one = (name: string): string | undefined => {
    const v = query.getAll(name);
    if (v.length > 1) throw new UsageError(`parameter '${name}' given ${v.length} times, expected at most once`);
    return v[0] === '' ? undefined : v[0];
  };
  return { args: query.getAll('arg'), env, entrypoint: one('entrypoint'), workdir: one('workdir'), user: one('user'), stdin: 'tty' };
}
