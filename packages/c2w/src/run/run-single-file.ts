import { stat } from 'node:fs/promises';
import { UsageError } from '@c2w/errors';
import { parseMounts } from './mounts.js';
import type { RunOptions } from './run-bundle.js';

/** A regular file (not a bundle directory) is a single out.wasm. */
export async function isSingleFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

/**
 * The module's own command line for a run request: the options out.wasm takes before the
 * container's command (single_file.c), so `c2w run` and a plain WASI host ask the same way.
 * Mounts become preopens at their guest paths; the machine turns each into a 9p share.
 */
export async function singleFileArgs(o: RunOptions): Promise<{ args: string[]; preopens: Record<string, string> }> {
  const mounts = await parseMounts(o.mounts ?? []);
  const ro = mounts.find((m) => m.readonly);
  if (ro) throw new UsageError(`--mount ${ro.hostPath}:${ro.destination}:ro: a single .wasm mounts WASI preopens, which are writable (use a bundle directory for read-only mounts)`);
  if (o.memory !== undefined) throw new UsageError('--memory: a single .wasm has its guest RAM fixed at conversion (c2w convert --memory)');
  if (o.name !== undefined || o.state !== undefined || o.diskSize !== undefined) throw new UsageError('--name, --state and --disk-size: a single .wasm keeps its writable layer in guest RAM; run the bundle form');
  if (o.stats) throw new UsageError('--stats: not available for a single .wasm (its arguments are the container\'s); run the bundle form');
  const args: string[] = [];
  if (o.entrypoint !== undefined) args.push(`--entrypoint=${o.entrypoint}`);
  for (const e of o.env ?? []) args.push(`--env=${e}`);
  if (o.workdir !== undefined) args.push(`--workdir=${o.workdir}`);
  if (o.user !== undefined) args.push(`--user=${o.user}`);
  if (o.init) args.push('--init');
  if (o.debug) args.push('--guest-debug');
  // said outright: a host may call every stdin a terminal (Bun does), and c2w run knows better
  if (o.stdin !== undefined) args.push(`--stdin=${o.stdin}`);
  args.push('--', ...(o.args ?? []));
  return { args, preopens: Object.fromEntries(mounts.map((m) => [m.destination, m.hostPath])) };
}
