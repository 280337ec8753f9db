import { PassThrough } from 'node:stream';
import { readTar, TarWriter, xattrsOf, type TarHeader } from '@c2w/streams';
import { mergeXattrs } from '../../src/commit/pax-merge.js';
import type { XattrMap } from '../../src/commit/xattr-records.js';

const CAP = Buffer.from('0100000200200000000000000000000000000000', 'hex').toString('latin1');
const mtime = new Date(1_700_000_000_000);
const base = { uid: 0, gid: 0, mtime, mode: 0o755, size: 0 };
const longName = `./${'d'.repeat(120)}/${'f'.repeat(120)}`;

/** A tar as busybox tar names its entries (./ prefixes, directories with a trailing /). */
async function busyboxLikeTar(): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const tar = new TarWriter(out);
  await tar.add({ ...base, name: './', type: 'directory' });
  await tar.add({ ...base, name: './usr/bin/', type: 'directory' });
  await tar.add({ ...base, name: './usr/bin/ping', type: 'file', size: 5 }, Buffer.from('ping\n'));
  await tar.add({ ...base, name: './usr/bin/ping2', type: 'link', linkname: './usr/bin/ping' });
  await tar.add({ ...base, name: longName, type: 'file', size: 3 }, Buffer.from('abc'));
  await tar.add({ ...base, name: './plain', type: 'file', size: 1, pax: { 'SCHILY.xattr.user.stale': 'x', comment: 'kept' } }, Buffer.from('p'));
  await tar.finish();
  return Buffer.concat(chunks);
}

async function entries(tar: Buffer): Promise<Array<{ header: TarHeader; body: string }>> {
  const out: Array<{ header: TarHeader; body: string }> = [];
  for await (const e of readTar([tar])) {
    const parts: Buffer[] = [];
    for await (const c of e.body) parts.push(c);
    out.push({ header: e.header, body: Buffer.concat(parts).toString() });
  }
  return out;
}

describe('mergeXattrs', () => {
  it('adds each path\'s xattrs as PAX records, byte-exact, and leaves the rest of the tar as it was', async () => {
    const input = await busyboxLikeTar();
    const xattrs: XattrMap = new Map([
      ['', { 'user.root': 'top' }],
      ['usr/bin/ping', { 'security.capability': CAP, 'user.a': '\0\xff' }],
      [longName.slice(2), { 'user.long': 'yes' }],
      ['plain', { 'user.new': 'n' }],
      ['not/in/tar', { 'user.lost': 'z' }],
    ]);
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    // small chunks: entries and PAX headers cross chunk boundaries
    const source = (async function* () { for (let i = 0; i < input.length; i += 100) yield input.subarray(i, i + 100); })();
    expect(await mergeXattrs(source, out, xattrs, 't')).toBe(4);
    const got = await entries(Buffer.concat(chunks));
    const before = await entries(input);
    expect(got.map((e) => [e.header.name, e.header.type, e.header.linkname ?? null, e.body])).toEqual(before.map((e) => [e.header.name, e.header.type, e.header.linkname ?? null, e.body]));
    expect(xattrsOf(got[0]!.header)).toEqual({ 'user.root': 'top' });
    expect(xattrsOf(got[1]!.header)).toEqual({});
    const ping = xattrsOf(got[2]!.header);
    expect(Buffer.from(ping['security.capability']!, 'latin1').toString('hex')).toBe('0100000200200000000000000000000000000000');
    expect(Buffer.from(ping['user.a']!, 'latin1')).toEqual(Buffer.from([0, 0xff]));
    // a hard link is the same inode: its xattrs come with the file it names
    expect(xattrsOf(got[3]!.header)).toEqual({});
    expect(xattrsOf(got[4]!.header)).toEqual({ 'user.long': 'yes' });
    // the guest's values replace the tar's own (busybox tar has none); other PAX records stay
    expect(xattrsOf(got[5]!.header)).toEqual({ 'user.new': 'n' });
    expect(got[5]!.header.pax?.['comment']).toBe('kept');
  });

  it('without xattrs, the tar passes through byte for byte', async () => {
    const input = await busyboxLikeTar();
    const noStale = Buffer.from(input);
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    expect(await mergeXattrs([noStale], out, new Map(), 't')).toBe(0);
    expect(Buffer.concat(chunks).equals(input)).toBe(true);
  });
});
