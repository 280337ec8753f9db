import { C2wError } from '@c2w/errors';
import { readXattrRecords, recordPath, XATTR_MAGIC } from '../../src/commit/xattr-records.js';

/** Records as c2w-xattrs writes them (packages/emu-build/guest-tools/c2w-xattrs.c). */
function encodeRecords(records: Array<[path: Buffer | string, name: string, value: Buffer]>, end = true): Buffer {
  const parts: Buffer[] = [XATTR_MAGIC];
  const u32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32LE(n); return b; };
  for (const [path, name, value] of records) {
    const p = Buffer.isBuffer(path) ? path : Buffer.from(path);
    parts.push(u32(p.length), u32(Buffer.byteLength(name)), u32(value.length), p, Buffer.from(name), value);
  }
  if (end) parts.push(u32(0), u32(0), u32(0));
  const body = Buffer.concat(parts);
  return Buffer.concat([body, Buffer.alloc((512 - (body.length % 512)) % 512)]);
}

const CAP = Buffer.from('0100000200200000000000000000000000000000', 'hex'); // cap_net_raw+ep, v2
const bytesOf = (s: string) => Buffer.from(s, 'latin1');

describe('readXattrRecords', () => {
  it('reads binary values byte-exact, by path, whatever the chunking, and finds the tar after the padding', async () => {
    const stream = encodeRecords([
      ['', 'user.root', Buffer.from('r')],
      ['usr/bin/ping', 'security.capability', CAP],
      ['usr/bin/ping', 'user.note', Buffer.from([0, 0xff, 0x0a, 0x3d])],
      [Buffer.from([0x66, 0xe9]), 'user.latin1-name', Buffer.alloc(0)],
    ]);
    const tar = Buffer.from('TAR');
    const whole = Buffer.concat([stream, tar]);
    for (const size of [1, 7, 512, whole.length]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < whole.length; i += size) chunks.push(whole.subarray(i, i + size));
      const { xattrs, tarOffset } = await readXattrRecords(chunks, 't');
      expect(tarOffset).toBe(stream.length);
      expect(tarOffset % 512).toBe(0);
      expect(whole.subarray(tarOffset).toString()).toBe('TAR');
      expect([...xattrs.keys()].length).toBe(3);
      expect(bytesOf(xattrs.get('usr/bin/ping')!['security.capability']!).equals(CAP)).toBe(true);
      expect(bytesOf(xattrs.get('usr/bin/ping')!['user.note']!)).toEqual(Buffer.from([0, 0xff, 0x0a, 0x3d]));
      expect(xattrs.get('')).toEqual({ 'user.root': 'r' });
    }
  });

  it('an empty dump is just the header and the end record', async () => {
    const r = await readXattrRecords([encodeRecords([])], 't');
    expect(r.xattrs.size).toBe(0);
    expect(r.tarOffset).toBe(512);
  });

  it('refuses what is not c2w-xattrs output, records that stop early and oversized records (exit 4)', async () => {
    const marker = Buffer.concat([Buffer.from('c2w-commit-out'), Buffer.alloc(498)]);
    await expect(readXattrRecords([marker], 'commit')).rejects.toThrow(/^commit: no c2w-xattrs header \(did the guest run c2w-xattrs\?\) at byte 0/);
    const cut = encodeRecords([['a', 'user.x', Buffer.from('v')]], false);
    const short = readXattrRecords([cut.subarray(0, XATTR_MAGIC.length + 14)], 'commit');
    await expect(short).rejects.toThrow(/the records stop before their end record/);
    await expect(short).rejects.toBeInstanceOf(C2wError);
    await expect(readXattrRecords([cut.subarray(0, XATTR_MAGIC.length + 14)], 'commit').catch((e: C2wError) => e.kind)).resolves.toBe('runtime');
    const big = Buffer.concat([XATTR_MAGIC, Buffer.from([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0])]);
    await expect(readXattrRecords([big], 'commit')).rejects.toThrow(/a record of 1\/256\/0 bytes \(path\/name\/value\), expected at most 65535\/255\/65536/);
  });
});

describe('recordPath', () => {
  it('names a tar entry as the guest names its path', () => {
    expect(['./', '.', './etc/', './etc/passwd', 'etc/passwd', '/usr/bin/', './a b/c'].map(recordPath)).toEqual(['', '', 'etc', 'etc/passwd', 'etc/passwd', 'usr/bin', 'a b/c']);
  });
});
