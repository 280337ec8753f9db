/**
 * SUSP and RRIP 1991A System Use fields, as libisofs writes them (IEEE P1281 / P1282).
 * Every field is at most 255 bytes; long names (NM) and symlink targets (SL) are split into
 * several fields with the CONTINUE flag.
 */
import { encodeName } from '@c2w/streams';
import { both32, date7 } from './iso-bytes.js';

const ER_ID = 'RRIP_1991A';
const ER_DESCRIPTOR = 'THE ROCK RIDGE INTERCHANGE PROTOCOL PROVIDES SUPPORT FOR POSIX FILE SYSTEM SEMANTICS';
const ER_SOURCE = 'PLEASE CONTACT DISC PUBLISHER FOR SPECIFICATION SOURCE.  SEE PUBLISHER IDENTIFIER IN PRIMARY VOLUME DESCRIPTOR FOR CONTACT INFORMATION.';

export const CE_LENGTH = 28;
const MAX_FIELD = 255;

function field(sig: string, dataLength: number): Buffer {
  const buf = Buffer.alloc(4 + dataLength);
  buf.write(sig, 0, 'latin1');
  buf[2] = 4 + dataLength;
  buf[3] = 1;
  return buf;
}

/** SP: first field of the root's "." record; tells readers SUSP is in use (skip 0). */
export function sp(): Buffer {
  const f = field('SP', 3);
  f[4] = 0xbe;
  f[5] = 0xef;
  return f;
}

/** ER: names the extension; the Linux kernel turns Rock Ridge on only when it sees it. */
export function er(): Buffer {
  const f = field('ER', 4 + ER_ID.length + ER_DESCRIPTOR.length + ER_SOURCE.length);
  f[4] = ER_ID.length;
  f[5] = ER_DESCRIPTOR.length;
  f[6] = ER_SOURCE.length;
  f[7] = 1;
  f.write(ER_ID + ER_DESCRIPTOR + ER_SOURCE, 8, 'latin1');
  return f;
}

export function ce(block: number, offset: number, length: number): Buffer {
  const f = field('CE', 24);
  both32(f, 4, block);
  both32(f, 12, offset);
  both32(f, 20, length);
  return f;
}

/** PX with the serial number (44 bytes), so readers can tell hardlinks from deduplicated copies. */
export function px(mode: number, nlink: number, uid: number, gid: number, ino: number): Buffer {
  const f = field('PX', 40);
  both32(f, 4, mode);
  both32(f, 12, nlink);
  both32(f, 20, uid);
  both32(f, 28, gid);
  both32(f, 36, ino);
  return f;
}

/**
 * PN: the Linux kernel (fs/isofs/rock.c) decodes high=0 with low=(major<<8|minor) as an old-style
 * number, and MKDEV(high, low) otherwise; pick the form it reads back exactly. Minors below 256
 * (with any major the kernel has, < 4096) use the old style, which is also the glibc dev_t that
 * libarchive and libisofs read (high<<32 | low); larger minors only the kernel reads right.
 */
export function pn(major: number, minor: number): Buffer {
  const f = field('PN', 16);
  const oldStyle = minor < 256 && major < 4096;
  both32(f, 4, oldStyle ? 0 : major);
  both32(f, 12, oldStyle ? (major << 8) | minor : minor);
  return f;
}

/** TF short form: modification, access and attribute-change times (all the tar mtime). */
export function tf(mtime: number): Buffer {
  const f = field('TF', 22);
  f[4] = 0x0e;
  date7(f, 5, mtime);
  date7(f, 12, mtime);
  date7(f, 19, mtime);
  return f;
}

/** NM fields for a name of any length (bytes as stored in the tar). */
export function nm(name: Buffer): Buffer[] {
  const out: Buffer[] = [];
  const max = MAX_FIELD - 5;
  for (let off = 0; off < name.length || out.length === 0; off += max) {
    const part = name.subarray(off, off + max);
    const f = field('NM', 1 + part.length);
    f[4] = off + max < name.length ? 1 : 0;
    part.copy(f, 5);
    out.push(f);
  }
  return out;
}

interface Component { flags: number; text: Buffer }

function components(target: string): Component[] {
  const out: Component[] = [];
  let rest = target;
  if (rest.startsWith('/')) {
    out.push({ flags: 8, text: Buffer.alloc(0) });
    rest = rest.slice(1);
    if (rest === '') return out;
  }
  for (const part of rest.split('/')) {
    if (part === '.') out.push({ flags: 2, text: Buffer.alloc(0) });
    else if (part === '..') out.push({ flags: 4, text: Buffer.alloc(0) });
    else out.push({ flags: 0, text: encodeName(part) });
  }
  return out;
}

/**
 * SL fields for a symlink target of any length. A field that is continued always ends inside a
 * component (component CONTINUE flag): libarchive drops the `/` when an SL field ends on a whole
 * component. Where no text is left to split, an empty continued component does the same job.
 */
export function sl(target: string): Buffer[] {
  const fields: Buffer[][] = [];
  let current: Buffer[] = [];
  let used = 0;
  const capacity = MAX_FIELD - 5 - 2; // keep room for a closing empty continued component
  const close = (): void => {
    const last = current[current.length - 1];
    if (!last || (last[0]! & 1) === 0) current.push(Buffer.from([1, 0]));
    fields.push(current);
    current = [];
    used = 0;
  };
  for (const comp of components(target)) {
    let text = comp.text;
    for (;;) {
      const room = capacity - used;
      if (2 + text.length <= room) {
        current.push(Buffer.concat([Buffer.from([comp.flags, text.length]), text]));
        used += 2 + text.length;
        break;
      }
      if (comp.flags === 0 && room >= 3) {
        const n = room - 2;
        current.push(Buffer.concat([Buffer.from([1, n]), text.subarray(0, n)]));
        text = text.subarray(n);
      }
      close();
    }
  }
  fields.push(current);
  return fields.map((comps, i) => {
    const body = Buffer.concat(comps);
    const f = field('SL', 1 + body.length);
    f[4] = i < fields.length - 1 ? 1 : 0;
    body.copy(f, 5);
    return f;
  });
}
