import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diffManifests, manifestOfDir, manifestOfTar, type FsManifest } from '@c2w/testing';
import { flattenImage } from '../../src/flatten.js';
import { fixturesDir } from '../helpers/fixtures.js';

/**
 * Every input form of the fixture image (test/fixtures/build-fixtures.sh) flattens to exactly what
 * `umoci unpack` puts on disk: type, mode with suid/sticky, owner, size, content hash, link target,
 * hardlink group, mtime and xattrs (byte for byte), path by path.
 */
describe('fixture images against umoci unpack', () => {
  let fx: string;
  let work: string;
  let reference: FsManifest;
  let firstOutput: Buffer | undefined;
  beforeAll(async () => {
    fx = fixturesDir();
    work = await mkdtemp(join(tmpdir(), 'lf-sources-'));
    reference = await manifestOfDir(join(fx, 'ref', 'final', 'rootfs'));
  }, 300_000);
  afterAll(async () => { await rm(work, { recursive: true, force: true }); });

  const forms = [
    ['OCI layout, gzip layers', 'oci:{fx}/oci:final'],
    ['OCI layout, zstd layers', 'oci:{fx}/oci-zstd:final'],
    ['OCI layout, uncompressed layers', 'oci:{fx}/oci-uncompressed:final'],
    ['OCI layout, Docker schema 2 manifest', 'oci:{fx}/oci-v2s2'],
    ['oci-archive', 'oci-archive:{fx}/final.oci.tar:final'],
    ['docker-archive', 'docker-archive:{fx}/final.docker.tar:example.test/fixture:final'],
  ];
  it.each(forms)('%s', async (_name, spec) => {
    const out = join(work, `${_name.replace(/\W+/g, '-')}.tar`);
    const configOut = `${out}.config.json`;
    await flattenImage({ source: spec.replace('{fx}', fx), out, configOut });
    const bytes = await readFile(out);
    expect(diffManifests(reference, await manifestOfTar(bytes))).toBe('');
    // every form carries the same layers, so the output is the same bytes
    firstOutput ??= bytes;
    expect(bytes.equals(firstOutput)).toBe(true);
    const config = JSON.parse(await readFile(configOut, 'utf8'));
    expect(config.config.WorkingDir).toBe('/srv');
  });

  it('spot checks the rules the fixture exercises', async () => {
    const m = await manifestOfTar(firstOutput ?? Buffer.alloc(0));
    expect(m.get('usr/lib/through-link')).toMatchObject({ type: 'file' });   // through lib -> usr/lib
    expect(m.has('srv/opq/old1')).toBe(false);                               // opaque after an entry
    expect(m.get('srv/opq/new')).toMatchObject({ type: 'file' });
    expect(m.get('srv/hl-keep')).toMatchObject({ size: 4 });                 // old a.conf content kept
    expect(m.get('usr/bin/hl-c')?.hl).toBe('usr/bin/hl-a');                  // link to a lower layer
    expect(m.get('usr/bin/suid-empty')?.mode).toBe('4755');
    expect(m.get('tmp')?.mode).toBe('1777');
    expect(m.get('srv/dir2file')).toMatchObject({ type: 'file' });
    expect(m.has('usr/share/doc')).toBe(false);
    expect(m.get('usr/bin/ping-cap')?.xattrs).toEqual({ 'security.capability': '0100000280200000ff00000000000000c3280000' });
    expect(m.get('etc/all-bytes')?.xattrs?.['user.all-bytes']).toHaveLength(512);  // 256 bytes in hex
  });

  it.each([
    ['linux/arm64', 'arm64'], ['linux/arm64/v8', 'arm64'], ['linux/arm', 'armv7'], [undefined, 'amd64'],
  ])('selects %s from a multi-arch index (and through a nested index)', async (platform, expected) => {
    for (const tag of ['multi', 'nested']) {
      const out = join(work, `multi-${tag}-${expected}.tar`);
      await flattenImage({ source: `oci:${fx}/oci:${tag}`, out, platform });
      const { listTar } = await import('@c2w/testing');
      const files = await listTar(await readFile(out));
      expect(files.find((e) => e.name === 'etc/platform')?.body).toBe(`${expected}\n`);
    }
  });
});
