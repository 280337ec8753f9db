import { execFileSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import fc from 'fast-check';
import { decodeName } from '@c2w/streams';
import { listRawTar, rawTar, type RawEntry } from '@c2w/testing';
import { jolietIdentifiers } from '../src/joliet-names.js';
import { packTo } from './support/pack.js';
import { tempDir } from './support/readers.js';

/** A name component: any bytes but NUL and '/', not '.' or '..', up to Linux's 255. */
const component = fc.oneof(
  { weight: 5, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 12 }) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 60, maxLength: 255 }) },
).map((a) => Buffer.from(a.map((b) => (b === 0 || b === 0x2f ? 0xff : b))))
  .filter((c) => c.toString('latin1') !== '.' && c.toString('latin1') !== '..');

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

describe('property: names are bytes in the image', () => {
  it('Joliet identifiers of arbitrary byte names are unique UCS-2 without U+FFFD or lone surrogates', () => {
    fc.assert(fc.property(fc.uniqueArray(component, { minLength: 1, maxLength: 40, selector: (c) => c.toString('hex') }), fc.boolean(), (names, long) => {
      const max = long ? 103 : 64;
      const children = names.map((n) => ({ name: decodeName(n), isDir: n[0]! % 2 === 0 }));
      const ids = jolietIdentifiers(children, max);
      expect(new Set(ids).size).toBe(ids.length);
      for (const [i, id] of ids.entries()) {
        expect(id.length).toBeLessThanOrEqual(max);
        expect(LONE_SURROGATE.test(id)).toBe(false);
        expect(id.includes('\ufffd')).toBe(children[i]!.name.includes('\ufffd'));
        expect(id).not.toMatch(/[\u0000-\u001f*/:;?\\]/);
      }
    }), { numRuns: 1000 });
  });

  it('packs arbitrary byte names: libarchive reads the same bytes from Rock Ridge, 7-Zip distinct names from Joliet', async () => {
    const dir = await tempDir();
    let run = 0;
    try {
      await fc.assert(fc.asyncProperty(fc.array(fc.record({ name: component, dir: fc.boolean(), parent: fc.nat() }), { minLength: 1, maxLength: 30 }), async (nodes) => {
        const dirs: Buffer[] = [Buffer.alloc(0)];
        const seen = new Set<string>();
        const entries: RawEntry[] = [];
        for (const n of nodes) {
          const parent = dirs[n.parent % dirs.length]!;
          const path = parent.length ? Buffer.concat([parent, Buffer.from('/'), n.name]) : n.name;
          if (seen.has(path.toString('hex'))) continue;
          seen.add(path.toString('hex'));
          if (n.dir) { entries.push({ name: Buffer.concat([path, Buffer.from('/')]), type: 'directory' }); dirs.push(path); }
          else entries.push({ name: path, body: path.subarray(0, 7) });
        }
        // --joliet-long: without it, entries whose Joliet path exceeds 240 bytes are left out of Joliet
        const { path: iso } = await packTo(dir, [rawTar(entries)], { joliet: true, jolietLong: true }, `n${run++}.iso`);
        const tar = execFileSync('bsdtar', ['-cf', '-', '--format', 'gnutar', `@${iso}`], { env: { PATH: process.env['PATH'] ?? '', LC_ALL: 'C' }, maxBuffer: 1 << 26 });
        const back = listRawTar(tar).filter((e) => e.name.toString() !== './')
          .map((e) => [e.name.toString('hex').replace(/2f$/, ''), e.type, e.body.toString('hex')]).sort();
        const want = entries.map((e) => [e.name.toString('hex').replace(/2f$/, ''), e.type ?? 'file', (e.body ?? Buffer.alloc(0)).toString('hex')]).sort();
        expect(back).toEqual(want);
        const joliet = execFileSync('7z', ['l', '-slt', iso], { env: { PATH: process.env['PATH'] ?? '', LC_ALL: 'C.UTF-8' }, maxBuffer: 1 << 26 })
          .toString('latin1').split('\n').filter((l) => l.startsWith('Path = ')).slice(1);
        expect(new Set(joliet).size).toBe(entries.length);
        await rm(iso);
      }), { numRuns: 40 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
