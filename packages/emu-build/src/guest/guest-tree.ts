import { compareBytes, parentPath } from '@c2w/streams';

/** One node of the guest file tree; files point at a staged copy on disk, never at memory. */
export type GuestNode =
  | { type: 'directory'; mode: number }
  | { type: 'file'; mode: number; source: string; size: number }
  | { type: 'symlink'; target: string };

/**
 * The guest root as metadata: path -> node. Later additions replace earlier ones, parents are
 * created implicitly (0755) and the listing is sorted byte-wise, which makes the tar deterministic.
 */
export class GuestTree {
  private readonly nodes = new Map<string, GuestNode>();

  set(path: string, node: GuestNode): void {
    this.nodes.set(path, node);
    for (let p = parentPath(path); p !== ''; p = parentPath(p)) {
      if (!this.nodes.has(p)) this.nodes.set(p, { type: 'directory', mode: 0o755 });
    }
  }

  get(path: string): GuestNode | undefined {
    return this.nodes.get(path);
  }

  /** Follows symlinks (relative or absolute, within the tree) to the node a path names. */
  resolve(path: string, hops = 0): { path: string; node: GuestNode } | undefined {
    if (hops > 40) return undefined;
    const parts = path.split('/').filter((p) => p && p !== '.');
    let done: string[] = [];
    for (let i = 0; i < parts.length; i++) {
      if (parts[i] === '..') { done.pop(); continue; }
      const here = [...done, parts[i]!].join('/');
      const node = this.nodes.get(here);
      if (!node) return undefined;
      if (node.type === 'symlink') {
        const target = node.target.startsWith('/') ? node.target : [...done, node.target].join('/');
        return this.resolve([target, ...parts.slice(i + 1)].join('/'), hops + 1);
      }
      done = [...done, parts[i]!];
    }
    const node = this.nodes.get(done.join('/'));
    return node ? { path: done.join('/'), node } : undefined;
  }

  sorted(): Array<[string, GuestNode]> {
    return [...this.nodes.entries()].sort((a, b) => compareBytes(a[0], b[0]));
  }
}
