import { compareBytes, type TarHeader, type TarWriter } from '@c2w/streams';
import type { Inode, TreeNode } from '../tree/fs-tree.js';
import type { SpoolFile } from './spool-file.js';

/**
 * Writes the final tree: depth first, siblings in byte order, each directory before its contents,
 * so the same image always gives the same bytes. The root itself is not an entry. The first name of
 * a hardlink group (in this order) carries the data; later names are hardlinks to it.
 */
export async function emitTree(root: TreeNode, spool: SpoolFile, writer: TarWriter): Promise<number> {
  const firstName = new Map<Inode, string>();
  let count = 0;
  const visit = async (dir: TreeNode, prefix: string): Promise<void> => {
    const names = [...(dir.children?.keys() ?? [])].sort(compareBytes);
    for (const name of names) {
      const node = dir.children?.get(name) as TreeNode;
      const path = prefix + name;
      count++;
      if (node.dir) {
        await writer.add(header(`${path}/`, 'directory', node.dir, 0));
        await visit(node, `${path}/`);
        continue;
      }
      const inode = node.inode as Inode;
      const seen = firstName.get(inode);
      if (seen !== undefined) {
        await writer.add({ ...header(path, 'link', inode, 0), linkname: seen });
        continue;
      }
      firstName.set(inode, path);
      const h = header(path, inode.type, inode, inode.type === 'file' ? inode.size : 0);
      if (inode.type === 'symlink') h.linkname = inode.linkname ?? '';
      if (inode.type === 'character-device' || inode.type === 'block-device') {
        h.devmajor = inode.devmajor ?? 0;
        h.devminor = inode.devminor ?? 0;
      }
      const body = inode.type === 'file' && inode.size > 0 ? spool.read(inode.spoolOffset ?? 0, inode.size) : undefined;
      await writer.add(h, body);
    }
  };
  await visit(root, '');
  return count;
}

/** xattrs in byte order as PAX records; ids too large for ustar get PAX records from TarWriter. */
function header(name: string, type: string, meta: { mode: number; uid: number; gid: number; mtime: Date; xattrs: Record<string, string> | undefined }, size: number): TarHeader {
  const pax: Record<string, string> = {};
  for (const [key, value] of Object.entries(meta.xattrs ?? {}).sort(([a], [b]) => compareBytes(a, b))) pax[`SCHILY.xattr.${key}`] = value;
  const h: TarHeader = { name, type, mode: meta.mode, uid: meta.uid, gid: meta.gid, size, mtime: meta.mtime };
  if (Object.keys(pax).length > 0) h.pax = pax;
  return h;
}
