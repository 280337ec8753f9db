import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { posix, resolve } from 'node:path';
import { EnvironmentError, InputError, UsageError } from '@c2w/errors';

/** One `--mount HOST:GUEST[:ro]`: a host directory shared over virtio-9p with tag `c2w<index>`. */
export interface HostMount {
  hostPath: string;
  destination: string;
  readonly: boolean;
  tag: string;
}

/** Virtio slots left after the root disk, the run channel, the writable layer's disk and the stdin port (the machine has eight). */
export const MAX_MOUNTS = 4;

/** Parses `HOST:GUEST[:ro|:rw]` (syntax only; usage errors, exit 2). */
export function parseMount(spec: string, index: number): HostMount {
  const parts = spec.split(':');
  const mode = parts.length === 3 ? parts[2] : 'rw';
  const [host, guest] = parts;
  if (parts.length < 2 || parts.length > 3 || !host || !guest || (mode !== 'ro' && mode !== 'rw'))
    throw new UsageError(`--mount ${JSON.stringify(spec)}: expected HOST_DIR:GUEST_PATH[:ro]`);
  if (!guest.startsWith('/')) throw new UsageError(`--mount ${JSON.stringify(spec)}: the guest path must be absolute`);
  const destination = posix.normalize(guest).replace(/(.)\/$/, '$1');
  if (destination === '/') throw new UsageError(`--mount ${JSON.stringify(spec)}: cannot mount over the container's root`);
  return { hostPath: resolve(host), destination, readonly: mode === 'ro', tag: `c2w${index}` };
}

/** A host directory we may not use is the environment's fault (exit 3), not a missing input. */
function hostFailure(path: string, err: NodeJS.ErrnoException): EnvironmentError {
  const why = err.code === 'EACCES' || err.code === 'EPERM' ? 'permission denied' : 'cannot access it';
  return new EnvironmentError(`--mount: host directory ${path}: ${why} (${err.code ?? err.message})`, { cause: err });
}

/** Parses every --mount and checks that each host path is an existing directory (input error, exit 1) we may read (exit 3). */
export async function parseMounts(specs: string[]): Promise<HostMount[]> {
  if (specs.length > MAX_MOUNTS) throw new UsageError(`too many --mount options (${specs.length}; at most ${MAX_MOUNTS})`);
  const mounts = specs.map((s, i) => parseMount(s, i));
  const seen = new Set<string>();
  for (const m of mounts) {
    if (seen.has(m.destination)) throw new UsageError(`--mount: ${m.destination} is mounted twice`);
    seen.add(m.destination);
    const st = await stat(m.hostPath).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return undefined;
      throw hostFailure(m.hostPath, err);
    });
    if (!st) throw new InputError(`--mount: host directory ${m.hostPath} does not exist`);
    if (!st.isDirectory()) throw new InputError(`--mount: ${m.hostPath} is not a directory (only directories can be mounted)`);
    // The machine lists and opens files in it later, where a denial would surface as a guest I/O error.
    await access(m.hostPath, constants.R_OK | constants.X_OK).catch((err: NodeJS.ErrnoException) => { throw hostFailure(m.hostPath, err); });
  }
  return mounts;
}
