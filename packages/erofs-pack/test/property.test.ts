import fc from 'fast-check';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTar, requirePrerequisite, type FixtureEntry } from '@c2w/testing';
import { canMountErofs, differencesFromMount, differencesFromTar, fsckExtract, mountedManifest, tempDir } from './support/readers.js';
import { packTo } from './support/pack.js';

const nameArb = fc.oneof(
  fc.stringMatching(/^[a-zA-Z0-9._ ;-]{1,40}$/),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
  fc.stringMatching(/^[a-z]{100,200}$/),
).filter((n) => !n.includes('/') && !n.includes('\0') && n !== '.' && n !== '..' && Buffer.byteLength(n) <= 255);

const nodeArb = fc.record({
  name: nameArb,
  kind: fc.constantFrom('file', 'file', 'dir', 'symlink', 'char', 'block', 'fifo', 'hardlink'),
  body: fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ minLength: 4000, maxLength: 9000 })),
  xattr: fc.option(fc.tuple(fc.constantFrom('user.a', 'user.mime_type', 'trusted.t', 'security.selinux'), fc.uint8Array({ maxLength: 200 })), { nil: undefined }),
  mode: fc.integer({ min: 0, max: 0o7777 }),
  uid: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  gid: fc.integer({ min: 0, max: 70000 }),
  mtime: fc.integer({ min: 0, max: 2 ** 31 - 1 }), // tar-stream clamps larger ustar times
  target: fc.stringMatching(/^[a-z./]{1,300}$/),
  parent: fc.nat(),
  // every major Linux has (12 bits) and minors past 255 (new_encode_dev)
  major: fc.oneof(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 256, max: 4095 })),
  minor: fc.oneof(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 256, max: 0xfffff })),
});

/**
 * Random trees: each node hangs under an earlier directory, so every parent exists first; a
 * hardlink points at an earlier file (and is a file itself while there is none).
 */
function toEntries(nodes: Array<fc.RecordValue<typeof nodeArb extends fc.Arbitrary<infer T> ? T : never>>): FixtureEntry[] {
  const dirs = [''];
  const files: string[] = [];
  const used = new Set<string>();
  const out: FixtureEntry[] = [];
  for (const n of nodes) {
    const parent = dirs[n.parent % dirs.length]!;
    const path = parent === '' ? n.name : `${parent}/${n.name}`;
    if (used.has(path)) continue;
    used.add(path);
    // the kernel shows user.* xattrs only on files and directories
    const pax = n.xattr && (n.kind === 'file' || n.kind === 'dir') ? { [`SCHILY.xattr.${n.xattr[0]}`]: Buffer.from(n.xattr[1]).toString('latin1') } : undefined;
    const base = { name: path, mode: n.mode, uid: n.uid, gid: n.gid, mtime: n.mtime, ...(pax ? { pax } : {}) };
    const kind = n.kind === 'hardlink' && files.length === 0 ? 'file' : n.kind;
    if (kind === 'dir') { out.push({ ...base, type: 'directory' }); dirs.push(path); }
    else if (kind === 'file') { out.push({ ...base, body: Buffer.from(n.body) }); files.push(path); }
    else if (kind === 'hardlink') out.push({ name: path, type: 'link', linkname: files[n.parent % files.length]! });
    else if (kind === 'symlink') out.push({ ...base, type: 'symlink', linkname: n.target.replace(/\/\/+/g, '/') });
    else if (kind === 'char') out.push({ ...base, type: 'character-device', devmajor: n.major, devminor: n.minor });
    else if (kind === 'block') out.push({ ...base, type: 'block-device', devmajor: n.major, devminor: n.minor });
    else out.push({ ...base, type: 'fifo' });
  }
  return out;
}

const withMount = requirePrerequisite('root and a host kernel with erofs (loop mount)', await canMountErofs()) ? it : it.skip;

describe('property: any tree round-trips through erofs-pack, fsck.erofs and the Linux kernel', () => {
  withMount('reads back every entry exactly: fsck.erofs extracts it, the host kernel mounts it (xattrs, hardlinks, modes)', async () => {
    const dir = await tempDir();
    let run = 0;
    // the time limit abandons a run without stopping it: the clean-up waits for it to unmount
    let current: Promise<unknown> = Promise.resolve();
    try {
      await fc.assert(fc.asyncProperty(fc.array(nodeArb, { minLength: 1, maxLength: 60 }), (nodes) => {
        const one = async (): Promise<void> => {
          run++;
          const tar = await makeTar(toEntries(nodes));
          const { path } = await packTo(dir, [tar], {}, `p${run}.erofs`);
          expect(await differencesFromTar(tar, await fsckExtract(path, join(dir, `x${run}`)))).toBe('');
          expect(await differencesFromMount(tar, await mountedManifest(path, join(dir, `m${run}`)))).toBe('');
          await rm(join(dir, `x${run}`), { recursive: true, force: true });
          await rm(path);
        };
        const p = one();
        current = p.catch(() => undefined);
        return p;
      // a failure found late may shrink for minutes (each run packs, fscks and mounts): stop well
      // before jest's timeout, so the report names the (partly shrunk) counterexample and its seed
      }), { numRuns: 25, interruptAfterTimeLimit: 360_000, markInterruptAsFailure: true });
    } finally {
      await current;
      await rm(dir, { recursive: true, force: true });
    }
  }, 480_000);
});
