// A host directory shared with the guest over virtio-9p, as `--share` and the config file give it.
import { UsageError } from '@c2w/errors';

/** A host directory shared with the guest over virtio-9p (mount tag `tag`). */
export interface ShareOption {
  hostPath: string;
  tag: string;
  readonly?: boolean;
  /** Owner the guest sees for every file (WASI has none; default 0:0). */
  uid?: number;
  gid?: number;
}

/** `DIR,tag=TAG[,ro]` as the native --share takes it. */
export function parseShare(spec: string): ShareOption {
  let rest = spec;
  let tag: string | undefined;
  let readonly = false;
  const ids: { uid?: number; gid?: number } = {};
  const bad = () => new UsageError(`bad share '${spec}' (expected DIR,tag=TAG[,ro][,uid=N][,gid=N])`);
  for (;;) {
    const comma = rest.lastIndexOf(',');
    if (comma < 0) break;
    const opt = rest.slice(comma + 1);
    const id = /^(uid|gid)=(.*)$/.exec(opt);
    if (opt === 'ro' || opt === 'readonly') readonly = true;
    else if (opt.startsWith('tag=')) tag = opt.slice(4);
    else if (id) {
      if (!/^\d{1,10}$/.test(id[2]!) || Number(id[2]) > 0xfffffffe) throw bad();
      ids[id[1] as 'uid' | 'gid'] = Number(id[2]);
    } else break;
    rest = rest.slice(0, comma);
  }
  if (!rest || !tag) throw bad();
  return { hostPath: rest, tag, readonly, ...ids };
}
