/**
 * Reads `SCHILY.xattr.*` PAX records as bytes while a tar goes by, for manifestOfTar: tar-stream 3
 * decodes every PAX value as UTF-8, so a capability's 0x80 would come back as U+FFFD. Independent
 * of @c2w/streams on purpose (it checks that codec). Result: member path -> { name: value in hex }.
 */
export class PaxXattrScanner {
  readonly xattrs = new Map<string, Record<string, string>>();
  private parts: Buffer[] = [];
  private have = 0;
  private need = 512;
  private skip = 0;
  private onBlock: (b: Buffer) => void = (b) => this.header(b);
  private local: Map<string, Buffer> = new Map();
  private global: Map<string, Buffer> = new Map();
  private longName: string | undefined;

  push(chunk: Uint8Array): void {
    let data = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    while (data.length > 0) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, data.length);
        this.skip -= n;
        data = data.subarray(n);
        continue;
      }
      const n = Math.min(this.need - this.have, data.length);
      this.parts.push(data.subarray(0, n));
      this.have += n;
      data = data.subarray(n);
      if (this.have === this.need) {
        const block = Buffer.concat(this.parts);
        this.parts = [];
        this.have = 0;
        this.onBlock(block);
      }
    }
  }

  private collect(size: number, then: (body: Buffer) => void): void {
    this.need = padded(size);
    this.onBlock = (b) => {
      this.need = 512;
      this.onBlock = (h) => this.header(h);
      then(b.subarray(0, size));
    };
    if (this.need === 0) this.onBlock(Buffer.alloc(0));
  }

  private header(h: Buffer): void {
    if (h.every((b) => b === 0)) return;                 // end-of-archive blocks
    const type = String.fromCharCode(h[156] ?? 0);
    const size = parseSize(h.subarray(124, 136));
    if (type === 'x' || type === 'g') {
      this.collect(size, (body) => {
        const records = parseRecords(body);
        if (type === 'g') this.global = new Map([...this.global, ...records]);
        else this.local = records;
      });
      return;
    }
    if (type === 'L') {
      this.collect(size, (body) => { this.longName = body.toString('utf8').replace(/\0+$/, ''); });
      return;
    }
    if (type === 'K') {
      this.collect(size, () => {});
      return;
    }
    const records = new Map([...this.global, ...this.local]);
    const ustar = h.subarray(257, 263).toString('latin1') === 'ustar\0';
    let name = cString(h.subarray(0, 100));
    if (ustar && h[345]) name = `${cString(h.subarray(345, 500))}/${name}`;
    name = records.get('path')?.toString('utf8') ?? this.longName ?? name;
    const found: Record<string, string> = {};
    for (const [key, value] of records) if (key.startsWith('SCHILY.xattr.')) found[key.slice(13)] = value.toString('hex');
    if (Object.keys(found).length > 0) this.xattrs.set(name.split('/').filter((c) => c !== '' && c !== '.').join('/'), found);
    this.local = new Map();
    this.longName = undefined;
    const paxSize = records.get('size');
    // as tar-stream: a directory never has a body; a PAX size overrides the header's
    this.skip = type === '5' ? 0 : padded(paxSize ? Number(paxSize.toString('latin1')) : size);
  }
}

const padded = (n: number) => Math.ceil(n / 512) * 512;
const cString = (b: Buffer) => { const end = b.indexOf(0); return b.subarray(0, end < 0 ? b.length : end).toString('utf8'); };

function parseSize(field: Buffer): number {
  if ((field[0] ?? 0) & 0x80) {                          // GNU base-256
    let n = (field[0] ?? 0) & 0x7f;
    for (let i = 1; i < field.length; i++) n = n * 256 + (field[i] ?? 0);
    return n;
  }
  return parseInt(field.toString('latin1').replace(/[\0 ]+$/, '').trim() || '0', 8);
}

/** `LEN KEY=VALUE\n` records; keys are text, values stay bytes. */
function parseRecords(body: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  let at = 0;
  while (at < body.length) {
    const space = body.indexOf(0x20, at);
    if (space < 0) break;
    const len = Number(body.subarray(at, space).toString('latin1'));
    if (!Number.isInteger(len) || len <= 0) break;
    const record = body.subarray(space + 1, at + len - 1);   // without the trailing \n
    const eq = record.indexOf(0x3d);
    if (eq > 0) out.set(record.subarray(0, eq).toString('utf8'), Buffer.from(record.subarray(eq + 1)));
    at += len;
  }
  return out;
}
