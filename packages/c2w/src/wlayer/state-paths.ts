import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { UsageError } from '@c2w/errors';

/**
 * Where c2w keeps per-user run state: `$C2W_STATE_HOME`, else `$XDG_STATE_HOME/c2w`, else
 * `~/.local/state/c2w` (XDG base directories: state that should survive, unlike a cache).
 * Named states are `containers/NAME`, per-run scratch disks `scratch/`.
 */
export function stateHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env['C2W_STATE_HOME']) return resolve(env['C2W_STATE_HOME']);
  return join(env['XDG_STATE_HOME'] ? resolve(env['XDG_STATE_HOME']) : join(homedir(), '.local', 'state'), 'c2w');
}

/** Docker's container name rule, so a name is also a safe directory name. */
const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/;

/** The directory of a state given by `--name NAME` or `--state DIR` (not both). */
export function stateDirOf(o: { name?: string | undefined; stateDir?: string | undefined }, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (o.name !== undefined && o.stateDir !== undefined) throw new UsageError('--name and --state both name a state; give one');
  if (o.stateDir !== undefined) return resolve(o.stateDir);
  if (o.name === undefined) return undefined;
  if (!NAME.test(o.name)) throw new UsageError(`--name ${JSON.stringify(o.name)}: expected letters, digits, '_', '.' or '-', starting with a letter or digit`);
  return join(stateHome(env), 'containers', o.name);
}
