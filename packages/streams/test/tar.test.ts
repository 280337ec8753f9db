import { InputError } from '@c2w/errors';
import { execa } from 'execa';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { execFileSync } from 'node:child_process';
import { decodeName, readTar, TarEvent, TarParser, TarWriter, type TarHeader } from '../src/index.js';

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function writeTar(entries: Array<[Partial<TarHeader> & { name: string }, string?]>): Promise<Buffer> {
  const out = new PassThrough();
  const bytes = collect(out);
  const w = new TarWriter(out);
  for (const [h, body] of entries) {
    const data = body === undefined ? undefined : Buffer.from(body);
    await w.add({ type: 'file', mode: 0o644, uid: 0, gid: 0, size: data?.length ?? 0, mtime: new Date(0), ...h }, data);
  }
  await w.finish();
  return bytes;
}

/** Feeds a buffer in odd chunk sizes: parsers must not depend on chunk boundaries. */
async function* chunked(buf: Buffer, size = 7): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

describe('tar round trip', () => {
  it('keeps names over 100 bytes, long link targets, xattrs and devices', async () => {
    const long = `${'d'.repeat(120)}/${'f'.repeat(130)}`;
    const tar = await writeTar([
      [{ name: long }, 'hello'],
      [{ name: 'l', type: 'symlink', linkname: 't'.repeat(300) }],
      [{ name: 'x', pax: { 'SCHILY.xattr.user.k': 'v' } }, ''],
      [{ name: 'dev/null', type: 'character-device', devmajor: 1, devminor: 3, mode: 0o666 }],
    ]);
    const seen: Array<[TarHeader, string]> = [];
    for await (const e of readTar(chunked(tar))) {
      const parts: Buffer[] = [];
      for await (const c of e.body) parts.push(c);
      seen.push([e.header, Buffer.concat(parts).toString()]);
    }
    expect(seen.map(([h]) => h.name)).toEqual([long, 'l', 'x', 'dev/null']);
    expect(seen[0]?.[1]).toBe('hello');
    expect(seen[1]?.[0].linkname).toBe('t'.repeat(300));
    expect(seen[2]?.[0].pax?.['SCHILY.xattr.user.k']).toBe('v');
    expect(seen[3]?.[0]).toMatchObject({ devmajor: 1, devminor: 3, type: 'character-device' });
  });

  it('writes path and linkpath records only when ustar cannot hold them, and never against the header', async () => {
    const split = `${'a/'.repeat(60)}x`; // 121 bytes: fits as ustar prefix + name
    const tar = await writeTar([
      [{ name: 'short', pax: { 'SCHILY.xattr.user.k': 'v' } }, 'x'],
      [{ name: split, pax: { 'SCHILY.xattr.user.k': 'v' } }, ''],
      [{ name: 'grüße' }, ''],
      [{ name: 'l', type: 'symlink', linkname: 't'.repeat(101) }],
      [{ name: 'h', type: 'link', linkname: 'short', pax: { linkpath: 'stale-target' } }],
      [{ name: 'renamed', pax: { path: 'stale', mtime: '5.5' } }, ''],
    ]);
    const seen: Array<[string, string, Record<string, string>]> = [];
    for await (const e of readTar(chunked(tar))) seen.push([e.header.name, e.header.linkname ?? '', e.header.pax ?? {}]);
    expect(seen).toEqual([
      ['short', '', { 'SCHILY.xattr.user.k': 'v' }],
      [split, '', { 'SCHILY.xattr.user.k': 'v' }],
      ['grüße', '', { path: 'grüße' }],
      ['l', 't'.repeat(101), { linkpath: 't'.repeat(101) }],
      ['h', 'short', { linkpath: 'short' }],
      ['renamed', '', { path: 'renamed', mtime: '5.5' }],
    ]);
  });

  // A file capability (VFS_CAP_REVISION_2, cap_net_raw) with bytes over 0x7f, and every byte value.
  const CAPABILITY = Buffer.from('0100000280200000ff00000000000000c3280000', 'hex');
  const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  const PYTHON_XATTRS = `import sys, tarfile
def xattrs(path):
    out = []
    with tarfile.open(path) as t:
        for m in t:
            for k, v in sorted(m.pax_headers.items()):
                if k.startswith('SCHILY.xattr.'):
                    out.append(m.name + ' ' + k[13:] + ' ' + v.encode('utf-8', 'surrogateescape').hex())
    return out
if sys.argv[1] == 'write':
    with tarfile.open(sys.argv[2], 'w', format=tarfile.PAX_FORMAT) as t:
        i = tarfile.TarInfo('bin/ping')
        i.pax_headers = {'SCHILY.xattr.security.capability': bytes.fromhex(sys.argv[3]).decode('utf-8', 'surrogateescape'),
                         'SCHILY.xattr.user.all': bytes.fromhex(sys.argv[4]).decode('utf-8', 'surrogateescape'),
                         'SCHILY.xattr.user.text': 'h\u00e9llo'}
        t.addfile(i)
else:
    print('\\n'.join(xattrs(sys.argv[2])))
`;

  it('keeps binary xattr values byte for byte, read and written (checked with Python tarfile)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'c2w-xattr-'));
    try {
      const input = join(dir, 'in.tar');
      await execa('python3', ['-c', PYTHON_XATTRS, 'write', input, CAPABILITY.toString('hex'), ALL_BYTES.toString('hex')]);
      const entries: TarHeader[] = [];
      for await (const e of readTar(chunked(await readFile(input), 100))) entries.push(e.header);
      const pax = entries[0]?.pax ?? {};
      expect(Buffer.from(pax['SCHILY.xattr.security.capability']!, 'latin1')).toEqual(CAPABILITY);
      expect(Buffer.from(pax['SCHILY.xattr.user.all']!, 'latin1')).toEqual(ALL_BYTES);
      expect(Buffer.from(pax['SCHILY.xattr.user.text']!, 'latin1')).toEqual(Buffer.from('héllo'));
      // TarParser (iso-pack's reader) decodes the same way.
      const parser = new TarParser();
      parser.push(await readFile(input));
      while (parser.next() !== TarEvent.Entry) { /* to the first entry */ }
      expect(parser.header.pax).toEqual(pax);

      const output = join(dir, 'out.tar');
      await writeFile(output, await writeTar([[{ name: 'bin/ping', pax: Object.fromEntries(Object.entries(pax).filter(([k]) => k.startsWith('SCHILY.'))) }, '']]));
      const read = await execa('python3', ['-c', PYTHON_XATTRS, 'read', output]);
      expect(read.stdout.split('\n')).toEqual([
        `bin/ping security.capability ${CAPABILITY.toString('hex')}`,
        `bin/ping user.all ${ALL_BYTES.toString('hex')}`,
        `bin/ping user.text ${Buffer.from('héllo').toString('hex')}`,
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('leaves no listeners behind on a slow output (backpressure on every entry)', async () => {
    const { Writable } = await import('node:stream');
    const out = new Writable({ highWaterMark: 16, write(_c, _e, cb) { setImmediate(cb); } });
    const before = [out.listenerCount('close'), out.listenerCount('error'), out.listenerCount('drain')];
    const w = new TarWriter(out);
    for (let i = 0; i < 50; i++) await w.add({ name: `f${i}`, type: 'file', mode: 0o644, uid: 0, gid: 0, size: 1000, mtime: new Date(0) }, Buffer.alloc(1000));
    // the writer's own 'error' listener is the only one added
    expect([out.listenerCount('close'), out.listenerCount('error'), out.listenerCount('drain')]).toEqual([before[0], before[1]! + 1, before[2]]);
    await w.finish();
  });

  it('drains bodies the caller skips', async () => {
    const tar = await writeTar([[{ name: 'a' }, 'x'.repeat(100_000)], [{ name: 'b' }, 'y']]);
    const names: string[] = [];
    for await (const e of readTar(chunked(tar, 4096))) names.push(e.header.name);
    expect(names).toEqual(['a', 'b']);
  });

  it('accepts a stream without end-of-archive blocks (umoci 0.4.7 layers)', async () => {
    const tar = await writeTar([[{ name: 'a' }, 'abc']]);
    const noEnd = tar.subarray(0, 1024); // header + one data block
    const names: string[] = [];
    for await (const e of readTar(chunked(noEnd))) names.push(e.header.name);
    expect(names).toEqual(['a']);
  });

  it('accepts a last data block without its zero padding (umoci 0.4.7 insert)', async () => {
    const tar = await writeTar([[{ name: 'a' }, 'abc'], [{ name: 'b' }, 'xy']]);
    const unpadded = tar.subarray(0, 512 * 3 + 2); // a: header + block, b: header + 2 bytes
    const seen: string[] = [];
    for await (const e of readTar(chunked(unpadded))) {
      const parts: Buffer[] = [];
      for await (const c of e.body) parts.push(c);
      seen.push(`${e.header.name}=${Buffer.concat(parts).toString()}`);
    }
    expect(seen).toEqual(['a=abc', 'b=xy']);
  });

  it('applies PAX uid, gid and mtime records', async () => {
    const tar = await writeTar([[{ name: 'a', uid: 5, pax: { uid: '3000000', gid: '3000001', mtime: '1700000000.75' } }, 'x']]);
    for await (const e of readTar(chunked(tar))) expect(e.header).toMatchObject({ uid: 3000000, gid: 3000001, mtime: new Date(1700000000000) });
  });

  it('writes ids above 6 octal digits as PAX records (one rule for every writer), never clamped', async () => {
    const ids = [0o777777, 0o777777 + 1, 300000, 2097151, 2 ** 31 - 1];
    const tar = await writeTar(ids.map((id, i) => [{ name: `f${i}`, uid: id, gid: id }, '']));
    const read: Array<[number, number, string | undefined]> = [];
    for await (const e of readTar(chunked(tar))) read.push([e.header.uid, e.header.gid, e.header.pax?.['uid']]);
    expect(read).toEqual(ids.map((id) => [id, id, id > 0o777777 ? String(id) : undefined]));
  });

  it('writes names that are not UTF-8 in PAX records marked hdrcharset=BINARY, as bsdtar writes them', async () => {
    const name = decodeName(Buffer.from('d\xfe/f\xff', 'latin1'));
    const tar = await writeTar([[{ name }, 'x'], [{ name: 'l', type: 'symlink', linkname: name }], [{ name: 'caf\u00e9' }, 'y']]);
    const text = tar.toString('latin1');
    expect(text).toContain('14 path=d\xfe/f\xff\n');
    expect(text).toContain('18 linkpath=d\xfe/f\xff\n');
    expect(text).toContain('21 hdrcharset=BINARY\n');
    expect(text.match(/hdrcharset/g)).toHaveLength(2); // UTF-8 names need no mark
    const out = execFileSync('bsdtar', ['-tvf', '-'], { input: tar, env: { PATH: process.env['PATH'] ?? '', LC_ALL: 'C.UTF-8' } }).toString('latin1');
    expect(out).toContain('d\\376/f\\377');
    expect(out).toContain('l -> d\\376/f\\377');
  });

  it('refuses a stream cut inside an entry', async () => {
    const tar = await writeTar([[{ name: 'a' }, 'x'.repeat(2000)]]);
    const cut = tar.subarray(0, 1000);
    await expect(async () => {
      for await (const _e of readTar(chunked(cut), 'layer 1')) { /* read */ }
    }).rejects.toThrow('layer 1 is truncated (unexpected end of data)');
  });

  it('refuses a stream cut inside a body the caller reads', async () => {
    const tar = await writeTar([[{ name: 'a' }, 'x'.repeat(2000)]]);
    const cut = tar.subarray(0, 1000);
    await expect(async () => {
      for await (const e of readTar(chunked(cut), 'layer 1')) for await (const _c of e.body) { /* read */ }
    }).rejects.toThrow('layer 1 is truncated (unexpected end of data)');
  });

  it('propagates errors from the source', async () => {
    async function* failing(): AsyncGenerator<Buffer> {
      yield Buffer.alloc(512);
      throw new InputError('digest mismatch');
    }
    await expect(async () => {
      for await (const _e of readTar(failing())) { /* read */ }
    }).rejects.toThrow('digest mismatch');
  });
});
