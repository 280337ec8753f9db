import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flattenImage } from '../../src/flatten.js';
import { fixturesDir } from '../helpers/fixtures.js';
import { skopeoCopy, startRegistry, startTokenServer, type Registry } from '../helpers/registry.js';

/** A real registry (Debian's docker-registry), images pushed by skopeo, pulled by layer-flatten. */
describe('pulling from a registry', () => {
  let fx: string;
  let work: string;
  let expected: Buffer;
  beforeAll(async () => {
    fx = fixturesDir();
    work = await mkdtemp(join(tmpdir(), 'lf-registry-test-'));
    await flattenImage({ source: `oci:${fx}/oci:final`, out: join(work, 'expected.tar') });
    expected = await readFile(join(work, 'expected.tar'));
  }, 300_000);
  afterAll(async () => { await rm(work, { recursive: true, force: true }); });

  describe('anonymous', () => {
    let registry: Registry;
    beforeAll(async () => {
      registry = await startRegistry();
      await skopeoCopy(`oci:${fx}/oci:final`, `docker://${registry.host}/fixture:final`);
      await skopeoCopy(`oci:${fx}/oci-v2s2`, `docker://${registry.host}/fixture:v2s2`);
      await skopeoCopy(`oci:${fx}/oci-zstd:final`, `docker://${registry.host}/zstd:final`);
      await skopeoCopy('--all', `oci:${fx}/oci:multi`, `docker://${registry.host}/fixture:multi`);
    }, 120_000);
    afterAll(async () => { await registry?.stop(); });

    it.each([
      ['an OCI manifest by tag', 'docker://{r}/fixture:final'],
      ['a Docker schema 2 manifest', '{r}/fixture:v2s2'],
      ['zstd layers', 'docker://{r}/zstd:final'],
    ])('pulls %s to the same bytes as the OCI layout', async (_what, spec) => {
      const out = join(work, `${_what.replace(/\W+/g, '-')}.tar`);
      await flattenImage({ source: spec.replace('{r}', registry.host), out });
      expect((await readFile(out)).equals(expected)).toBe(true);
    });

    it('pulls a platform from a multi-arch index, and by digest', async () => {
      const out = join(work, 'arm.tar');
      const summary = await flattenImage({ source: `docker://${registry.host}/fixture:multi`, out, platform: 'linux/arm/v7' });
      const { listTar } = await import('@c2w/testing');
      expect((await listTar(await readFile(out))).find((e) => e.name === 'etc/platform')?.body).toBe('armv7\n');
      await flattenImage({ source: `${registry.host}/fixture@${summary.manifestDigest}`, out: join(work, 'by-digest.tar') });
      expect((await readFile(join(work, 'by-digest.tar'))).equals(await readFile(out))).toBe(true);
    });

    it('reports a missing tag as bad input', async () => {
      await expect(flattenImage({ source: `${registry.host}/fixture:nope`, out: join(work, 'nope.tar') })).rejects.toThrow(/not found on 127\.0\.0\.1:\d+ \(HTTP 404\)/);
    });
  });

  describe('with token authentication', () => {
    let registry: Registry;
    let token: Awaited<ReturnType<typeof startTokenServer>>;
    beforeAll(async () => {
      token = await startTokenServer(work, 'alice', 's3cret');
      registry = await startRegistry(token);
      await skopeoCopy('--dest-creds', 'alice:s3cret', `oci:${fx}/oci:final`, `docker://${registry.host}/private/fixture:final`);
    }, 120_000);
    afterAll(async () => { await registry?.stop(); await token?.stop(); });

    it('answers the Bearer challenge with credentials from flags', async () => {
      const out = join(work, 'private.tar');
      const before = token.issued;
      await flattenImage({ source: `${registry.host}/private/fixture:final`, out, creds: 'alice:s3cret' });
      expect((await readFile(out)).equals(expected)).toBe(true);
      expect(token.issued).toBeGreaterThan(before);
    });

    it('reads credentials from $DOCKER_CONFIG/config.json', async () => {
      const { writeFile, mkdir } = await import('node:fs/promises');
      const dockerConfig = join(work, 'docker');
      await mkdir(dockerConfig, { recursive: true });
      await writeFile(join(dockerConfig, 'config.json'), JSON.stringify({ auths: { [`http://${registry.host}`]: { auth: Buffer.from('alice:s3cret').toString('base64') } } }));
      const { runBin } = await import('@c2w/testing');
      const r = await runBin('layer-flatten', [`docker://${registry.host}/private/fixture:final`], { env: { DOCKER_CONFIG: dockerConfig } });
      expect(r.stderr).toBe('');
      expect(r.exitCode).toBe(0);
      expect(r.stdout.equals(expected)).toBe(true);
    });

    it('fails with exit 3 when the token service refuses the credentials', async () => {
      const { runBin } = await import('@c2w/testing');
      const r = await runBin('layer-flatten', ['--creds', 'alice:wrong', `${registry.host}/private/fixture:final`, join(work, 'denied.tar')]);
      expect(r.exitCode).toBe(3);
      expect(r.stderr).toMatch(/^layer-flatten: manifest .*: token service 127\.0\.0\.1:\d+ answered HTTP 401; check credentials$/);
    });
  });
});


