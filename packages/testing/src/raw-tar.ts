/**
 * A tar writer and reader that see names as bytes, written apart from @c2w/streams on purpose (it
 * checks that codec, as tar-stream checks the rest; tar-stream itself turns non-UTF-8 names into
 * U+FFFD). Small and strict: ustar blocks, PAX `path`/`linkpath`/`size` records and GNU long names.
 */

/** One entry of a raw tar: name and link target as the bytes a Linux file system would hold. */
export interface RawEntry {
  name: Buffer;
  type?: 'file' | 'directory' | 'symlink' | 'link';
  body?: Buffer;
  linkname?: Buffer;
  mode?: number;
}

export interface RawListed {
  name: Buffer;
  type: string;
  linkname: Buffer;
  body: Buffer;
}

const FLAG: Record<string, string> = { file: '0', link: '1', symlink: '2', directory: '5' };
const TYPE: Record<string, string> = { '0': 'file', '\0': 'file', '1': 'link', '2': 'symlink', '5': 'directory', '7': 'file' };

/** Builds a tar in memory: ustar when the name and target fit 100 bytes, else a PAX header before. */
export function rawTar(entries: RawEntry[]): Buffer {
  const out: Buffer[] = [];
  for (const e of entries) {
    const type = e.type ?? 'file';
    const body = type === 'file' ? e.body ?? Buffer.alloc(0) : Buffer.alloc(0);
    const link = e.linkname ?? Buffer.alloc(0);
    if (e.name.length > 100 || link.length > 100) {
      const records = Buffer.concat([paxRecord('hdrcharset', Buffer.from('BINARY')), paxRecord('path', e.name), ...(link.length ? [paxRecord('linkpath', link)] : [])]);
      out.push(header(Buffer.from('PaxHeader'), 'x', records.length, Buffer.alloc(0), 0o644), pad(records));
    }
    const mode = e.mode ?? (type === 'directory' ? 0o755 : type === 'symlink' ? 0o777 : 0o644);
    out.push(header(e.name.subarray(0, 100), FLAG[type]!, body.length, link.subarray(0, 100), mode), pad(body));
  }
  out.push(Buffer.alloc(1024));
  return Buffer.concat(out);
}

/** Every entry of a tar with its name, target and body as bytes (PAX and GNU long names applied). */
export function listRawTar(tar: Buffer): RawListed[] {
  const out: RawListed[] = [];
  let pax: Map<string, Buffer> = new Map();
  let longName: Buffer | undefined;
  let longLink: Buffer | undefined;
  for (let pos = 0; pos + 512 <= tar.length;) {
    const h = tar.subarray(pos, pos + 512);
    if (h.every((b) => b === 0)) break;
    const flag = String.fromCharCode(h[156]!);
    const size = pax.has('size') ? Number(pax.get('size')!.toString()) : parseInt(field(h, 124, 12).toString() || '0', 8);
    const body = tar.subarray(pos + 512, pos + 512 + size);
    pos += 512 + Math.ceil(size / 512) * 512;
    if (flag === 'x') { pax = paxRecords(body); continue; }
    if (flag === 'g') continue;
    if (flag === 'L') { longName = field(body, 0, body.length); continue; }
    if (flag === 'K') { longLink = field(body, 0, body.length); continue; }
    const prefix = h.subarray(257, 262).toString('latin1') === 'ustar' ? field(h, 345, 155) : Buffer.alloc(0);
    const ustarName = prefix.length ? Buffer.concat([prefix, Buffer.from('/'), field(h, 0, 100)]) : field(h, 0, 100);
    out.push({
      name: pax.get('path') ?? longName ?? ustarName,
      type: TYPE[flag] ?? `type ${flag}`,
      linkname: pax.get('linkpath') ?? longLink ?? field(h, 157, 100),
      body: Buffer.from(body),
    });
    pax = new Map();
    longName = longLink = undefined;
  }
  return out;
}

function header(name: Buffer, flag: string, size: number, linkname: Buffer, mode: number): Buffer {
  const h = Buffer.alloc(512);
  name.copy(h, 0);
  h.write(`${mode.toString(8).padStart(7, '0')}\0`, 100, 'latin1');
  h.write('0000000\0', 108, 'latin1');
  h.write('0000000\0', 116, 'latin1');
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
  h.write('00000000000\0', 136, 'latin1');
  h.write(flag, 156, 'latin1');
  linkname.copy(h, 157);
  h.write('ustar\x0000', 257, 'latin1');
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return h;
}

function pad(body: Buffer): Buffer {
  const rest = body.length % 512;
  return rest === 0 ? body : Buffer.concat([body, Buffer.alloc(512 - rest)]);
}

function paxRecord(key: string, value: Buffer): Buffer {
  const rest = Buffer.concat([Buffer.from(` ${key}=`), value, Buffer.from('\n')]);
  let len = rest.length + String(rest.length).length;
  if (String(len).length !== String(rest.length).length) len++;
  return Buffer.concat([Buffer.from(String(len)), rest]);
}

function paxRecords(body: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (let pos = 0; pos < body.length;) {
    const space = body.indexOf(0x20, pos);
    const len = parseInt(body.subarray(pos, space).toString('latin1'), 10);
    if (space < 0 || !(len > 0)) break;
    const record = body.subarray(space + 1, pos + len - 1);
    const eq = record.indexOf(0x3d);
    out.set(record.subarray(0, eq).toString('latin1'), Buffer.from(record.subarray(eq + 1)));
    pos += len;
  }
  return out;
}

/** A field up to its first NUL. */
function field(buf: Buffer, at: number, length: number): Buffer {
  const end = buf.indexOf(0, at);
  return Buffer.from(buf.subarray(at, end < 0 || end > at + length ? at + length : end));
}
