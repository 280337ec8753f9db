import fc from 'fast-check';
import { rm } from 'node:fs/promises';
import { makeTar, type FixtureEntry } from '@c2w/testing';
import { differences, readTarEntries, tempDir, viaBsdtar } from './support/readers.js';
import { packTo } from './support/pack.js';

const nameArb = fc.oneof(
  fc.stringMatching(/^[a-zA-Z0-9._ ;-]{1,40}$/),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
  fc.stringMatching(/^[a-z]{100,200}$/),
).filter((n) => !n.includes('/') && !n.includes('\0') && n !== '.' && n !== '..' && Buffer.byteLength(n) <= 255);

const nodeArb = fc.record({
  name: nameArb,
  kind: fc.constantFrom('file', 'file', 'dir', 'symlink', 'char', 'fifo'),
  body: fc.uint8Array({ maxLength: 5000 }),
  mode: fc.integer({ min: 0, max: 0o7777 }),
  uid: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  gid: fc.integer({ min: 0, max: 70000 }),
  mtime: fc.integer({ min: 0, max: 2 ** 31 - 1 }), // tar-stream clamps larger ustar times
  target: fc.stringMatching(/^[a-z./]{1,300}$/),
  parent: fc.nat(),
});

/** Random trees: each node hangs under an earlier directory, so every parent exists first. */
function toEntries(nodes: Array<fc.RecordValue<typeof nodeArb extends fc.Arbitrary<infer T> ? T : never>>): FixtureEntry[] {
  const dirs = [''];
  const used = new Set<string>();
  const out: FixtureEntry[] = [];
  for (const n of nodes) {
    const parent = dirs[n.parent % dirs.length]!;
    const path = parent === '' ? n.name : `${parent}/${n.name}`;
    if (used.has(path)) continue;
    used.add(path);
    const base = { name: path, mode: n.mode, uid: n.uid, gid: n.gid, mtime: n.mtime };
    if (n.kind === 'dir') { out.push({ ...base, type: 'directory' }); dirs.push(path); }
    else if (n.kind === 'file') out.push({ ...base, body: Buffer.from(n.body) });
    else if (n.kind === 'symlink') out.push({ ...base, type: 'symlink', linkname: n.target.replace(/\/\/+/g, '/') });
    else if (n.kind === 'char') out.push({ ...base, type: 'character-device', devmajor: n.mode % 256, devminor: n.uid % 256 });
    else out.push({ ...base, type: 'fifo' });
  }
  return out;
}

describe('property: any tree round-trips through iso-pack and libarchive', () => {
  it('reads back every entry exactly', async () => {
    const dir = await tempDir();
    let run = 0;
    try {
      await fc.assert(fc.asyncProperty(fc.array(nodeArb, { minLength: 1, maxLength: 60 }), fc.boolean(), async (nodes, joliet) => {
        const tar = await makeTar(toEntries(nodes));
        const { path } = await packTo(dir, [tar], { joliet }, `p${run++}.iso`);
        expect(differences(await readTarEntries(tar), await viaBsdtar(path))).toEqual([]);
        await rm(path);
      }), { numRuns: 25 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 240_000);
});
