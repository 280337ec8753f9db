import { open, type FileHandle } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { InputError } from '@c2w/errors';
import { archivePath } from './safe-path.js';

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
 * archive of layers can later be read member by member without extracting it. PAX path/size and
 * GNU long names are honoured; a later member of the same name wins, as tar extraction does.
 */
export async function indexTarFile(path: string, what = 'archive'): Promise<TarIndex> {
  const fh = await open(path, 'r');
  try {
    const { size: fileSize } = await fh.stat();
    const index: TarIndex = new Map();
    const header = Buffer.alloc(BLOCK);
    let pos = 0;
    let pax: Record<string, string> = {};
    let longName: string | undefined;
    let longLink: string | undefined;
    while (pos < fileSize) {
      await readExactly(fh, header, pos, what);
      if (header.every((b) => b === 0)) break;
      verifyChecksum(header, pos, what);
      const typeflag = String.fromCharCode(header[156] ?? 0);
      const size = pax['size'] !== undefined ? Number(pax['size']) : parseNumber(header.subarray(124, 136));
      const dataOffset = pos + BLOCK;
      if (!Number.isSafeInteger(size) || size < 0 || dataOffset + size > fileSize) {
        throw new InputError(`${what} is truncated or corrupt at offset ${pos}`);
      }
      pos = dataOffset + Math.ceil(size / BLOCK) * BLOCK;
      if (typeflag === 'x' || typeflag === 'L' || typeflag === 'K') {
        const body = Buffer.alloc(size);
        await readExactly(fh, body, dataOffset, what);
        if (typeflag === 'x') pax = decodePax(body);
        else if (typeflag === 'L') longName = cString(body);
        else longLink = cString(body);
        continue;
      }
      if (typeflag === 'g') continue;
      const rawName = pax['path'] ?? longName ?? ustarName(header);
      const linkname = pax['linkpath'] ?? longLink ?? cString(header.subarray(157, 257));
      pax = {};
      longName = longLink = undefined;
      const name = archivePath(rawName, `${what} member`);
      index.set(name, { name, type: memberType(typeflag), offset: dataOffset, size, linkname });
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

function verifyChecksum(header: Buffer, pos: number, what: string): void {
  let sum = 8 * 0x20;
  for (let i = 0; i < BLOCK; i++) if (i < 148 || i >= 156) sum += header[i] ?? 0;
  const stored = parseInt(cString(header.subarray(148, 156)).trim(), 8);
  if (stored !== sum) throw new InputError(`${what} is not a valid tar archive (bad header checksum at offset ${pos})`);
}

/** Octal, or base-256 when the top bit of the first byte is set (sizes over 8 GiB). */
function parseNumber(field: Buffer): number {
  if ((field[0] ?? 0) & 0x80) {
    let value = (field[0] ?? 0) & 0x7f;
    for (let i = 1; i < field.length; i++) value = value * 256 + (field[i] ?? 0);
    return value;
  }
  const text = cString(field).trim();
  return text === '' ? 0 : parseInt(text, 8);
}

function ustarName(header: Buffer): string {
  const name = cString(header.subarray(0, 100));
  const isUstar = header.subarray(257, 262).toString('latin1') === 'ustar';
  const prefix = isUstar ? cString(header.subarray(345, 500)) : '';
  return prefix ? `${prefix}/${name}` : name;
}

function cString(buf: Buffer): string {
  const end = buf.indexOf(0);
  return buf.subarray(0, end < 0 ? buf.length : end).toString('utf8');
}

function decodePax(buf: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let pos = 0;
  while (pos < buf.length) {
    const space = buf.indexOf(0x20, pos);
    const len = parseInt(buf.subarray(pos, space).toString('latin1'), 10);
    if (space < 0 || !(len > 0)) break;
    const record = buf.subarray(space + 1, pos + len - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    pos += len;
  }
  return out;
}

function memberType(flag: string): string {
  switch (flag) {
    case '0': case '\0': case '7': return 'file';
    case '1': return 'link';
    case '2': return 'symlink';
    case '5': return 'directory';
    default: return 'other';
  }
}
