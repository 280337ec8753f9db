import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { C2wError, EnvironmentError, InputError } from '@c2w/errors';
import { DebianArchive } from '../../src/debian/archive.js';
import type { BinaryPackage } from '../../src/debian/packages-index.js';
import { makeFakeArchive, serveFakeMirror, type FakeArchive, type FakeMirror } from '../fixtures/fake-mirror.js';

const SUITE = 'trixie';
const IN_RELEASE = `/dists/${SUITE}/InRelease`;
const PACKAGES_XZ = `/dists/${SUITE}/main/binary-riscv64/Packages.xz`;
const HELLO_DEB = '/pool/main/h/hello/hello_2.0-1_riscv64.deb';

let archive: FakeArchive;
let mirror: FakeMirror;
let caches: string;

beforeAll(async () => {
  archive = await makeFakeArchive({
    suite: SUITE,
    arch: 'riscv64',
    packages: [
      { name: 'hello', version: '2.0-1', architecture: 'riscv64', depends: 'libfoo (>= 1.1) | libbar, fw-data' },
      { name: 'libfoo', version: '1.0-1', architecture: 'riscv64' },
      { name: 'libfoo', version: '1.2-1', architecture: 'riscv64', preDepends: 'libc-stub' },
      { name: 'libbar', version: '1.0-1', architecture: 'riscv64' },
      { name: 'libc-stub', version: '1.0-1', architecture: 'riscv64' },
      { name: 'fw-data', version: '3.0-1', architecture: 'all' },
      { name: 'unrelated', version: '1.0-1', architecture: 'riscv64' },
    ],
  });
  mirror = await serveFakeMirror(archive.root);
  caches = await mkdtemp(join(tmpdir(), 'emu-build-archive-cache-'));
});

afterEach(() => mirror?.reset());

afterAll(async () => {
  await mirror?.close();
  await archive?.cleanup();
  if (caches) await rm(caches, { recursive: true, force: true });
});

let n = 0;
const freshCache = (): string => join(caches, String(n++));
const open = (cache: string, offline = false): DebianArchive =>
  new DebianArchive({ mirror: mirror.url, suite: SUITE, arch: 'riscv64', cache, offline, keyring: archive.keyring, progress: () => {} });
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
/** Everything in a cache subdirectory, temporary files included. */
const entries = (cache: string, sub: string): Promise<string[]> => readdir(join(cache, sub), { recursive: true }).catch(() => []);
const flipByte = (b: Buffer, at = b.length >> 1): Buffer => { const c = Buffer.from(b); c[at] ^= 0xff; return c; };

async function rejection(promise: Promise<unknown>, cls: typeof InputError | typeof EnvironmentError, exitCode: number, message: RegExp): Promise<C2wError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(cls);
  expect((err as C2wError).exitCode).toBe(exitCode);
  expect((err as Error).message).toMatch(message);
  return err as C2wError;
}

async function warm(cache: string): Promise<BinaryPackage[]> {
  const a = open(cache);
  const { packages } = await a.resolve(['hello']);
  for (const p of packages) await a.deb(p);
  return packages;
}

describe('DebianArchive against a local signed mirror', () => {
  it('resolves the closure, downloads verified .debs, and a second instance uses the memo and the store', async () => {
    const cache = freshCache();
    const a = open(cache);
    const set = await a.resolve(['hello']);
    expect(set.packages.map((p) => `${p.name} ${p.version} ${p.architecture}`)).toEqual(['fw-data 3.0-1 all', 'hello 2.0-1 riscv64', 'libc-stub 1.0-1 riscv64', 'libfoo 1.2-1 riscv64']);
    expect(set.release.inReleaseSha256).toBe(sha256(await readFile(join(archive.root, IN_RELEASE))));
    expect(set.release.indexes.map((f) => f.path)).toEqual(['main/binary-riscv64/Packages.xz']);
    for (const p of set.packages) {
      const path = await a.deb(p);
      expect(sha256(await readFile(path))).toBe(p.sha256);
      expect(archive.debs).toContainEqual(expect.objectContaining({ name: p.name, version: p.version, sha256: p.sha256, size: p.size }));
    }
    expect([mirror.count(IN_RELEASE), mirror.count(PACKAGES_XZ), mirror.count(HELLO_DEB)]).toEqual([1, 1, 1]);

    const b = open(cache);
    const again = await b.resolve(['hello']);
    expect(again.packages).toEqual(set.packages);
    const hello = again.packages.find((p) => p.name === 'hello')!;
    expect(sha256(await readFile(await b.deb(hello)))).toBe(hello.sha256);
    // InRelease is always fetched online; the index and the .deb are not.
    expect([mirror.count(IN_RELEASE), mirror.count(PACKAGES_XZ), mirror.count(HELLO_DEB)]).toEqual([2, 1, 1]);
    expect((await b.package('fw-data')).pkg).toMatchObject({ name: 'fw-data', version: '3.0-1', architecture: 'all' });
  });

  it.each([
    ['same size, one byte changed', async (xz: Buffer) => flipByte(xz), /main\/binary-riscv64\/Packages\.xz: digest mismatch/],
    ['a different valid index', async () => Buffer.from((await execa('xz', ['-c'], { input: 'Package: evil\n', encoding: 'buffer' })).stdout), /main\/binary-riscv64\/Packages\.xz: size \d+ bytes, expected \d+/],
    ['longer than listed', async (xz: Buffer) => Buffer.concat([xz, Buffer.alloc(100)]), /main\/binary-riscv64\/Packages\.xz: more than the declared \d+ bytes/],
  ])('refuses a Packages.xz that does not match InRelease (%s) and stores nothing', async (_, make, message) => {
    const cache = freshCache();
    mirror.override(PACKAGES_XZ, { body: await make(await readFile(join(archive.root, PACKAGES_XZ))) });
    await rejection(open(cache).resolve(['hello']), InputError, 1, message);
    expect(await entries(cache, 'debian-index/sha256')).toEqual([]);
    expect(await entries(cache, 'emu-build/resolved')).toEqual([]);
    mirror.reset();
    expect((await open(cache).resolve(['hello'])).packages).toHaveLength(4);
  });

  it.each([
    ['changed after signing', async () => (await readFile(join(archive.root, IN_RELEASE), 'utf8')).replace('Date: Sat,', 'Date: Sun,'), /InRelease signature check failed.*BAD signature/],
    ['signed by a key outside the keyring', () => archive.sign(archive.release, 'rogue'), /InRelease signature check failed.*(No public key|NO_PUBKEY)/],
  ])('refuses an InRelease %s and keeps the last verified one', async (_, make, message) => {
    const cache = freshCache();
    await warm(cache);
    const kept = await readFile(join(cache, 'debian-index', SUITE, 'InRelease'));
    mirror.override(IN_RELEASE, { body: Buffer.from(await make()) });
    await rejection(open(cache).resolve(['hello']), InputError, 1, message);
    expect(await readFile(join(cache, 'debian-index', SUITE, 'InRelease'))).toEqual(kept);
    expect(await entries(cache, `debian-index/${SUITE}`)).toEqual(['InRelease']);
  });

  it.each([
    ['same size, one byte changed', flipByte, /hello_2\.0-1_riscv64\.deb: digest mismatch/],
    ['longer than listed', (deb: Buffer) => Buffer.concat([deb, Buffer.from('x')]), /hello_2\.0-1_riscv64\.deb: more than the declared \d+ bytes/],
  ])('refuses a .deb that does not match the index (%s) and leaves nothing in the cache', async (_, make, message) => {
    const cache = freshCache();
    const a = open(cache);
    const hello = (await a.package('hello')).pkg;
    mirror.override(HELLO_DEB, { body: make(await readFile(join(archive.root, HELLO_DEB))) });
    await rejection(a.deb(hello), InputError, 1, message);
    expect(await entries(cache, 'debs/sha256')).toEqual([]);
  });

  it.each([
    ['one byte changed', async (path: string) => writeFile(path, flipByte(await readFile(path)))],
    ['truncated', (path: string) => truncate(path, 100)],
  ])('re-hashes a cached .deb on use and fetches a damaged one again (%s)', async (_, damage) => {
    const cache = freshCache();
    const packages = await warm(cache);
    const hello = packages.find((p) => p.name === 'hello')!;
    const path = open(cache).debs.pathOf(hello.sha256);
    await damage(path);
    const before = mirror.count(HELLO_DEB);
    const got = await open(cache).deb(hello);
    expect(got).toBe(path);
    expect(sha256(await readFile(got))).toBe(hello.sha256);
    expect(mirror.count(HELLO_DEB)).toBe(before + 1);
  });

  it('offline with an empty cache fails with exit 3 naming the InRelease; offline after a warm run makes no request', async () => {
    const cold = freshCache();
    const before = mirror.total();
    await rejection(open(cold, true).resolve(['hello']), EnvironmentError, 3, new RegExp(`--offline: the trixie InRelease is not in the cache \\(${join(cold, 'debian-index', SUITE, 'InRelease')}\\)`));
    expect(mirror.total()).toBe(before);

    const cache = freshCache();
    const packages = await warm(cache);
    const start = mirror.total();
    const off = open(cache, true);
    const set = await off.resolve(['hello']);
    expect(set.packages).toEqual(packages);
    for (const p of set.packages) expect(sha256(await readFile(await off.deb(p)))).toBe(p.sha256);
    // not memoised by the warm run: read from the cached index
    expect((await off.package('libbar')).pkg.version).toBe('1.0-1');
    expect(mirror.total()).toBe(start);
    await rejection(off.deb((await off.package('unrelated')).pkg), EnvironmentError, 3, /--offline: unrelated_1\.0-1_riscv64\.deb is not in the cache/);
  });

  it('refuses a validly signed InRelease of another codename and keeps the last verified one', async () => {
    const cache = freshCache();
    await warm(cache);
    const kept = await readFile(join(cache, 'debian-index', SUITE, 'InRelease'));
    mirror.override(IN_RELEASE, { body: Buffer.from(await archive.sign(archive.releaseText({ codename: 'bookworm', suite: 'oldstable' }))) });
    await rejection(open(cache).resolve(['hello']), InputError, 1, /InRelease is for bookworm\/oldstable, expected trixie/);
    expect(await readFile(join(cache, 'debian-index', SUITE, 'InRelease'))).toEqual(kept);
    mirror.reset();
    // the cache still serves an offline run
    expect((await open(cache, true).resolve(['hello'])).packages).toHaveLength(4);
  });

  describe('truncated HTTP responses', () => {
    const cases = [
      ['InRelease', IN_RELEASE, /InRelease/],
      ['Packages.xz', PACKAGES_XZ, /main\/binary-riscv64\/Packages\.xz/],
      ['a .deb', HELLO_DEB, /hello_2\.0-1_riscv64\.deb/],
    ] as const;
    /** What the cache holds of the file cut short (its store entry or kept InRelease), and any temporary file. */
    const stored = async (cache: string, cut: string): Promise<string[]> => {
      const digest = sha256(await readFile(join(archive.root, cut)));
      return [...(await entries(cache, 'debian-index')), ...(await entries(cache, 'debs'))].filter((e) => e.includes(digest) || e.includes('tmp') || (cut === IN_RELEASE && e.endsWith('InRelease')));
    };

    it.each(cases)('%s: connection reset before Content-Length is an environment error, nothing stored', async (_, path, names) => {
      const cache = freshCache();
      mirror.override(path, { truncate: 'reset' });
      const err = await rejection(warm(cache), EnvironmentError, 3, names);
      expect(err.message).toMatch(/failed/);
      expect(await stored(cache, path)).toEqual([]);
    });

    it.each(cases)('%s: a short body without Content-Length is an integrity error, nothing stored', async (_, path, names) => {
      const cache = freshCache();
      mirror.override(path, { truncate: 'close' });
      await rejection(warm(cache), InputError, 1, names);
      expect(await stored(cache, path)).toEqual([]);
    });
  });

  it('resolve() of an unknown name is an input error naming the suite and the index', async () => {
    await rejection(open(freshCache()).resolve(['hello', 'no-such-package']), InputError, 1, /^Debian trixie: package no-such-package is not in the index \(main\/binary-riscv64\/Packages\.xz\)$/);
  });

  it('package() of an unknown name is an input error naming the suite', async () => {
    await rejection(open(freshCache()).package('no-such-package'), InputError, 1, /Debian trixie has no package no-such-package \(main\/binary-riscv64\/Packages\.xz\)/);
  });
});
