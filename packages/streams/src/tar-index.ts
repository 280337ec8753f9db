import { open, type FileHandle } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { InputError } from '@c2w/errors';
import { archivePath } from './safe-path.js';
import { decodeHeader, invalid, LongRecords, MAX_LONG_HEADER } from './tar-header-decode.js';

/** A member of a tar file on disk: where its data starts and how long it is. */
export interface TarMember {
  name: string;
  /** 'file' | 'link' | 'symlink' | 'directory' | 'other' */
  type: string;
  offset: number;
  size: number;
  linkname: string;
}

export type TarIndex = Map<string, TarMember>;

const BLOCK = 512;

/**
 * Indexes a tar file by reading only its headers (positional reads, bodies are skipped), so an
 * archive of layers can later be read member by member without extracting it. Headers, PAX records
 * and GNU long names are decoded as TarParser decodes them (tar-header-decode.ts); a later member of
 * the same name wins, as tar extraction does.
 */
export async function indexTarFile(path: string, what = 'archive'): Promise<TarIndex> {
  const fh = await open(path, 'r');
  try {
    const { size: fileSize } = await fh.stat();
    const index: TarIndex = new Map();
    const block = Buffer.alloc(BLOCK);
    const records = new LongRecords();
    let pos = 0;
    while (pos < fileSize) {
      await readExactly(fh, block, pos, what);
      const h = decodeHeader(block, 0, `${what} at offset ${pos}`);
      if (h === null) break;
      const type = String(h.type);
      const isRecord = type === 'pax-header' || type === 'pax-global-header' || type === 'gnu-long-path' || type === 'gnu-long-link-path';
      if (!isRecord) records.apply(h);
      const dataOffset = pos + BLOCK;
      if (!Number.isSafeInteger(h.size) || h.size < 0 || dataOffset + h.size > fileSize) {
        throw new InputError(`${what} is truncated or corrupt at offset ${pos}`);
      }
      pos = dataOffset + Math.ceil(h.size / BLOCK) * BLOCK;
      if (isRecord) {
        if (h.size > MAX_LONG_HEADER) throw invalid(what, `Header exceeds max size at offset ${dataOffset - BLOCK}`);
        const body = Buffer.alloc(h.size);
        await readExactly(fh, body, dataOffset, what);
        records.add(type, body);
        continue;
      }
      const name = archivePath(h.name, `${what} member`);
      index.set(name, { name, type: memberType(type), offset: dataOffset, size: h.size, linkname: h.linkname ?? '' });
    }
    return index;
  } finally {
    await fh.close();
  }
}

/**
 * Finds a member by name, following symlink and hardlink members inside the archive (skopeo's
 * docker-archive stores `<id>/layer.tar` as a symlink to `../<hex>.tar`).
 */
export function findTarMember(index: TarIndex, name: string, what = 'archive'): TarMember {
  let current = archivePath(name, `${what} member`);
  for (let hops = 0; hops < 16; hops++) {
    const member = index.get(current);
    if (!member) throw new InputError(`${what} has no member ${JSON.stringify(name)}`);
    if (member.type === 'file') return member;
    if (member.type === 'symlink') {
      const base = member.linkname.startsWith('/') ? '' : current.split('/').slice(0, -1).join('/');
      current = resolveLexically(base, member.linkname, what);
    } else if (member.type === 'link') {
      current = archivePath(member.linkname, `${what} member`);
    } else {
      throw new InputError(`${what} member ${JSON.stringify(current)} is not a file`);
    }
  }
  throw new InputError(`${what} member ${JSON.stringify(name)}: too many levels of links`);
}

/** The bytes of one member as a stream (a range of the archive file). */
export function openTarMember(path: string, member: TarMember): Readable {
  if (member.size === 0) return Readable.from([]);
  return createReadStream(path, { start: member.offset, end: member.offset + member.size - 1, highWaterMark: 1 << 20 });
}

function resolveLexically(base: string, target: string, what: string): string {
  const parts = base === '' ? [] : base.split('/');
  for (const part of target.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) throw new InputError(`${what}: member link ${JSON.stringify(target)} escapes the archive`);
      parts.pop();
    } else parts.push(part);
  }
  return parts.join('/');
}

async function readExactly(fh: FileHandle, buf: Buffer, position: number, what: string): Promise<void> {
  const { bytesRead } = await fh.read(buf, 0, buf.length, position);
  if (bytesRead !== buf.length) throw new InputError(`${what} is truncated at offset ${position}`);
}

function memberType(type: string): string {
  switch (type) {
    case 'file': case 'contiguous-file': return 'file';
    case 'link': case 'symlink': case 'directory': return type;
    default: return 'other';
  }
}
