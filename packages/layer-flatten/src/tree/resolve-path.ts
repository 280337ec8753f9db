import { InputError } from '@c2w/errors';
import { implicitDir, type TreeNode } from './fs-tree.js';

/** Linux gives up after 40 symlinks in one lookup (ELOOP); so do we. */
const MAX_SYMLINKS = 40;

export interface ResolveOptions {
  /** Create missing directories (writes) or stop with undefined (whiteouts, hardlink targets). */
  create: boolean;
  layer: number;
  mtime: Date;
  /** The entry name, for messages. */
  entry: string;
}

/**
 * The directory that `components` names, following symlinks inside the image root as umoci does
 * (filepath-securejoin): `bin/hello` under `bin -> usr/bin` lands in `usr/bin/hello`. A symlink whose
 * `..` climbs above the root is refused: writing through it would leave the root on a real disk.
 * Returns undefined when a component is missing (create=false) or is not a directory.
 */
export function resolveDir(root: TreeNode, components: string[], opts: ResolveOptions): TreeNode | undefined | 'not-a-directory' {
  const stack: TreeNode[] = [root];
  const pending = [...components].reverse();
  let symlinks = 0;
  while (pending.length > 0) {
    const part = pending.pop() as string;
    const cur = stack[stack.length - 1] as TreeNode;
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (stack.length === 1) throw new InputError(`${JSON.stringify(opts.entry)} resolves through a symlink that leaves the root`);
      stack.pop();
      continue;
    }
    let child = cur.children?.get(part);
    if (!child) {
      if (!opts.create) return undefined;
      child = implicitDir(part, cur, opts.layer, opts.mtime);
      cur.children?.set(part, child);
    }
    if (child.isDir) {
      stack.push(child);
    } else if (child.isSymlink) {
      if (++symlinks > MAX_SYMLINKS) throw new InputError(`${JSON.stringify(opts.entry)}: too many levels of symbolic links`);
      const target = child.inode?.linkname ?? '';
      if (target.startsWith('/')) stack.length = 1;
      for (const t of target.split('/').reverse()) pending.push(t);
    } else {
      return 'not-a-directory';
    }
  }
  return stack[stack.length - 1];
}
