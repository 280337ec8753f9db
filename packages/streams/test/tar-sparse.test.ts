import { InputError } from '@c2w/errors';
import { execa } from 'execa';
import { createHash } from 'node:crypto';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { readTar, TarEvent, TarParser, TarWriter } from '../src/index.js';
import { HOLE_CHUNK } from '../src/tar-sparse.js';

/**
 * GNU sparse entries as GNU tar 1.34 and bsdtar write them, read back entry by entry against the
 * files they were made from (and against the same files archived without --sparse).
 */
const KiB = 1024;
const MiB = 1024 * KiB;

function noise(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed;
  for (let i = 0; i < length; i++) { x = (x * 1103515245 + 12345) >>> 0; out[i] = (x >>> 24) | 1; }
  return out;
}

/** Files with holes: 60 data segments (old GNU needs 3 extension blocks, PAX 1.0 a 2-block map),
 * a trailing hole, nothing but a hole, data at both ends, and two files without holes. */
const FILES: Array<[string, number, Array<[number, Buffer]>]> = [
  ['many', 8 * MiB + 123, Array.from({ length: 60 }, (_, k) => [k * 128 * KiB + (k % 3) * 512, noise(1000 + 37 * k, k)] as [number, Buffer])],
  ['tail-hole', 2 * MiB, [[0, noise(64 * KiB, 99)]]],
  ['only-hole', 3 * MiB + 1, []],
  ['both-ends', 5 * MiB, [[0, noise(10, 1)], [MiB + 7, noise(5000, 2)], [5 * MiB - 10, noise(10, 3)]]],
  ['plain', 5, [[0, Buffer.from('hello')]]],
  ['empty', 0, []],
];

async function makeFiles(dir: string): Promise<void> {
  for (const [name, size, parts] of FILES) {
    const fh = await open(join(dir, name), 'w');
    for (const [at, data] of parts) await fh.write(data, 0, data.length, at);
    await fh.truncate(size); // grows with a hole
    await fh.close();
  }
}

interface Got { type: string; size: number; sha: string; mode: number; mtime: number }

const sha = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

/** Every entry as TarParser reports it, the archive fed in `size`-byte pieces. */
function parse(tar: Buffer, size: number, holes: { views: number; shared: boolean; largest: number } = { views: 0, shared: true, largest: 0 }): Map<string, Got> {
  const parser = new TarParser('archive');
  const out = new Map<string, Got>();
  let hash = createHash('sha256');
  let n = 0;
  for (let i = 0; i < tar.length; i += size) {
    parser.push(tar.subarray(i, i + size));
    for (let e = parser.next(); e !== TarEvent.NeedMore; e = parser.next()) {
      if (e === TarEvent.Entry) { hash = createHash('sha256'); n = 0; }
      else if (e === TarEvent.Data) {
        hash.update(parser.data);
        n += parser.data.length;
        if (parser.data.buffer === HOLE_CHUNK.buffer) holes.views++;
        else if (parser.data.every((b) => b === 0) && parser.data.length > 4096) holes.shared = false;
        holes.largest = Math.max(holes.largest, parser.data.length);
      } else {
        const h = parser.header;
        if (n !== h.size) throw new Error(`${h.name}: ${n} bytes of data, size ${h.size}`);
        out.set(h.name.replace(/^\.\//, ''), { type: String(h.type), size: h.size, sha: hash.digest('hex'), mode: h.mode, mtime: h.mtime.getTime() });
      }
    }
  }
  parser.end();
  return out;
}

describe('GNU sparse entries', () => {
  let dir: string;
  let src: string;
  let plain: Map<string, Got>;
  const names = FILES.map(([n]) => n);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tar-sparse-'));
    src = join(dir, 'src');
    await execa('mkdir', [src]);
    await makeFiles(src);
    await execa('tar', ['--format=gnu', '-C', src, '-cf', join(dir, 'plain.tar'), ...names]);
    plain = parse(await readFile(join(dir, 'plain.tar')), 1 * MiB);
  });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  it('the non-sparse archive matches the files (the reference for the rest)', async () => {
    for (const [name, size] of FILES) expect(plain.get(name)).toMatchObject({ type: 'file', size, sha: sha(await readFile(join(src, name))) });
  });

  const WRITERS: Array<[string, string, string[]]> = [
    ['GNU tar --sparse --format=gnu (old GNU, type S, extension blocks)', 'tar', ['--sparse', '--format=gnu']],
    ['GNU tar --format=pax --sparse-version=0.0', 'tar', ['--format=pax', '--sparse-version=0.0']],
    ['GNU tar --format=pax --sparse-version=0.1', 'tar', ['--format=pax', '--sparse-version=0.1']],
    ['GNU tar --format=pax --sparse-version=1.0', 'tar', ['--format=pax', '--sparse-version=1.0']],
    ['bsdtar --read-sparse --format=pax (1.0)', 'bsdtar', ['--read-sparse', '--format=pax']],
  ];

  it.each(WRITERS)('%s: every entry equals the non-sparse one, in any chunking', async (label, cmd, args) => {
    const path = join(dir, `${label.replace(/\W+/g, '-')}.tar`);
    await execa(cmd, [...args, '-C', src, '-cf', path, ...names]);
    const tar = await readFile(path);
    // really sparse: the archive stores the data segments, not the 19 MiB of holes
    expect(tar.length).toBeLessThan(1 * MiB);
    for (const size of [1 * MiB, 1, 511, 513, 4099]) {
      const holes = { views: 0, shared: true, largest: 0 };
      const seen = parse(tar, size, holes);
      expect([size, seen]).toEqual([size, plain]);
      expect(holes).toMatchObject({ shared: true });
      expect(holes.views).toBeGreaterThan(50);
      expect(holes.largest).toBeLessThanOrEqual(HOLE_CHUNK.length);
    }
    if (cmd === 'tar' && args.includes('--format=gnu')) {
      // the old GNU header of "many" says that extension blocks follow (isextended at 482)
      const at = tar.indexOf('many\0');
      expect([String.fromCharCode(tar[at + 156]!), tar[at + 482]]).toEqual(['S', 1]);
    }
  });

  it('readTar shows a plain file without the sparse PAX records, which TarWriter copies as one', async () => {
    const path = join(dir, 'pax10.tar');
    await execa('tar', ['--format=pax', '--sparse-version=1.0', '-C', src, '-cf', path, 'many', 'plain']);
    const out = new PassThrough();
    const copied: Buffer[] = [];
    out.on('data', (c: Buffer) => copied.push(c));
    const writer = new TarWriter(out);
    async function* whole(): AsyncGenerator<Buffer> { yield await readFile(path); }
    for await (const entry of readTar(whole(), 'pax10.tar')) {
      expect(entry.header.name).not.toMatch(/GNUSparseFile/);
      expect(Object.keys(entry.header.pax ?? {}).filter((k) => k.startsWith('GNU.sparse') || k === 'size' || k === 'path')).toEqual([]);
      await writer.add(entry.header, entry.body);
    }
    await writer.finish();
    const again = parse(Buffer.concat(copied), 65536);
    expect(again.get('many')).toEqual(plain.get('many'));
    expect(again.get('plain')).toEqual(plain.get('plain'));
  });

  it('refuses broken maps and archives cut inside a map', async () => {
    const gnu = join(dir, 'broken-gnu.tar');
    const pax = join(dir, 'broken-pax.tar');
    await execa('tar', ['--sparse', '--format=gnu', '-C', src, '-cf', gnu, 'many']);
    await execa('tar', ['--format=pax', '--sparse-version=1.0', '-C', src, '-cf', pax, 'many']);
    const gnuTar = await readFile(gnu);
    const paxTar = await readFile(pax);
    // cut inside the old GNU extension blocks, and inside the PAX 1.0 map prefix
    expect(() => parse(gnuTar.subarray(0, 512 + 700), 512)).toThrow(new InputError('archive is truncated (unexpected end of data)'));
    const mapAt = (Math.floor(paxTar.indexOf('GNUSparseFile') / 512) + 1) * 512;
    expect(paxTar.toString('latin1', mapAt, mapAt + 5)).toBe('61\n0\n');
    expect(() => parse(paxTar.subarray(0, mapAt + 600), 100)).toThrow(/truncated/);
    // a map that is not decimal text; lengths that do not add up to the stored data; a real size
    // smaller than the map
    const letters = Buffer.from(paxTar);
    letters[mapAt + 4] = 0x78;
    expect(() => parse(letters, 4096)).toThrow(/archive is not a valid tar archive: entry ".*many": invalid GNU sparse map: unexpected byte 120/);
    const longer = Buffer.from(paxTar);
    longer.write('9', mapAt + 5); // the first length, 4096, becomes 9096
    expect(() => parse(longer, 4096)).toThrow(/invalid GNU sparse map: segments hold \d+ bytes, the archive stores \d+/);
    const smaller = Buffer.from(paxTar);
    smaller.write('realsize=1', smaller.indexOf('realsize=8'), 'latin1');
    expect(() => parse(smaller, 4096)).toThrow(/invalid GNU sparse map: segment \d+,\d+ overlaps another or lies past the real size 1388731/);
  });
});
