import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { edgeTree, type FixtureEntry, makeTar, sageNames } from '@c2w/testing';
import { tempDir } from './support/readers.js';
import { packTo } from './support/pack.js';

/**
 * Golden digests of fixed trees: the image bytes are part of the contract (reproducible builds), so
 * performance work must leave them unchanged. The digests were taken from the first release of
 * iso-pack; a change here needs a reason (a format fix), never a refactoring.
 */
function goldenTree(): FixtureEntry[] {
  const e = edgeTree();
  e.push({ name: 'sage', type: 'directory', mtime: 1_650_000_000 });
  for (const n of sageNames(120)) e.push({ name: `sage/${n}`, body: n.repeat(3) });
  // PAX records: long paths, ids above the ustar range, sub-second times.
  e.push({ name: `pax/${'p'.repeat(150)}/${'q'.repeat(120)}`, body: 'pax path', mtime: 1_700_000_000, pax: { uid: '3000000', gid: '3000001', mtime: '1700000000.75' } });
  // A body larger than one 8 MiB write batch, with a pattern, then a copy of it (for --dedupe).
  const big = Buffer.alloc(9 * 1024 * 1024 + 1234);
  for (let i = 0; i < big.length; i += 4096) big.writeUInt32BE(i, i);
  e.push({ name: 'big/one.bin', body: big, mtime: 1_600_000_100 });
  e.push({ name: 'big/two.bin', body: big, mtime: 1_600_000_100 });
  e.push({ name: 'big/zeros.bin', body: Buffer.alloc(3 * 1024 * 1024), mtime: 1_600_000_100 });
  // The same file again (identical) and a directory described twice (merged).
  e.push({ name: 'bin/sudo', body: 'setuid', mode: 0o4755, mtime: 1_600_000_001 });
  e.push({ name: 'home', type: 'directory', mode: 0o711, mtime: 1_600_000_050 });
  return e;
}

async function* chunked(buf: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

const GOLDEN: Array<[string, Record<string, boolean>, string]> = [
  ['plain', {}, '3a94a41b929371a8b2f24cf32ac32eebcd198c375fc0bd293f4211ea920353b6'],
  ['joliet', { joliet: true }, '05f20c9aad376b0a019e065a643bfc5052de4b94ddc380df1a5625b4b11d0dcd'],
  ['joliet-long + dedupe', { jolietLong: true, dedupe: true }, '4ee92dcbdc1f6b12e4c8281a8d2471349358f9f8302c460ee9ea3b02ed06eea2'],
];

describe('golden image digests', () => {
  let dir: string;
  beforeAll(async () => { dir = await tempDir(); });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  it.each(GOLDEN)('%s', async (label, options, digest) => {
    const tar = await makeTar(goldenTree());
    const base = await makeTar([{ name: 'init', body: 'base', mode: 0o755 }, { name: 'oci', type: 'directory' }]);
    // Whole buffers and odd-sized chunks must give the same bytes: parsing never depends on reads.
    for (const [how, source] of [['whole', tar], ['chunked', chunked(tar, 4099)]] as const) {
      const { path } = await packTo(dir, [base, { tar: source, graft: 'oci/rootfs' }], options, `${label.replace(/\W+/g, '-')}-${how}.iso`);
      const actual = createHash('sha256').update(await readFile(path)).digest('hex');
      await rm(path);
      expect(`${how} ${actual}`).toBe(`${how} ${digest}`);
    }
  });
});
