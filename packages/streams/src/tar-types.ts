/** The entry types c2w understands; everything else in a tar is refused or skipped by the caller. */
export type TarEntryType =
  | 'file'
  | 'link'
  | 'symlink'
  | 'directory'
  | 'character-device'
  | 'block-device'
  | 'fifo'
  | 'contiguous-file';

/** A tar header after PAX/GNU long-name resolution (field names as tar-stream spells them). */
export interface TarHeader {
  name: string;
  type: TarEntryType | string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: Date;
  linkname?: string | null;
  uname?: string;
  gname?: string;
  devmajor?: number;
  devminor?: number;
  /** Every PAX record, including `SCHILY.xattr.*` keys. */
  pax?: Record<string, string> | null;
}

export interface TarEntry {
  header: TarHeader;
  /** The file body; read it fully or not at all (the reader drains what is left). */
  body: AsyncIterable<Buffer>;
}

/** xattrs as carried in PAX `SCHILY.xattr.NAME` records. */
export function xattrsOf(header: TarHeader): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(header.pax ?? {})) {
    if (key.startsWith('SCHILY.xattr.')) out[key.slice('SCHILY.xattr.'.length)] = value;
  }
  return out;
}
