import { UsageError } from '@c2w/errors';
import type { RunRequestOptions } from '../run/run-request.js';

/**
 * A page URL's query as Docker takes a command: repeated `arg` replace the image's Cmd, `env`
 * (KEY=VALUE, repeatable) adds to its Env, and `entrypoint`, `workdir`, `user` are the flags of the
 * same names, and `init=1` is docker's `--init` (c2w-pid1 as the container's PID 1, ADR 0065). The
 * page is a terminal, so the container's stdin is the console (`tty`); `rows` and `cols` (added by
 * the page's worker, not part of the command) give the container a pty of that size.
 */
export function runQuery(query: URLSearchParams): RunRequestOptions {
  const env = query.getAll('env');
  for (const e of env) if (!/^[^=]+=/.test(e)) throw new UsageError(`env parameter '${e}' is not KEY=VALUE`);
  const one = (name: string): string | undefined => {
    const v = query.getAll(name);
    if (v.length > 1) throw new UsageError(`parameter '${name}' given ${v.length} times, expected at most once`);
    return v[0] === '' ? undefined : v[0];
  };
  const size = (name: string): number | undefined => {
    const v = one(name);
    if (v !== undefined && !(/^\d{1,5}$/.test(v) && Number(v) <= 0xffff)) throw new UsageError(`parameter '${name}' is '${v}', expected a number 0..65535`);
    return v === undefined ? undefined : Number(v);
  };
  const rows = size('rows');
  const cols = size('cols');
  const tty = rows !== undefined && cols !== undefined ? { rows, cols } : undefined;
  const init = one('init');
  if (init !== undefined && init !== '1' && init !== '0') throw new UsageError(`parameter 'init' is '${init}', expected 1 or 0`);
  return {
    args: query.getAll('arg'), env, entrypoint: one('entrypoint'), workdir: one('workdir'), user: one('user'), stdin: 'tty',
    ...(tty ? { tty } : {}), ...(init === '1' ? { init: true } : {}),
  };
}
