import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { promisify } from 'node:util';
import { MediaType } from '@c2w/artifacts';
import { readTar } from '@c2w/streams';
import { makeTar, mountSmallDisk, runBin, listTar, workspaceRoot, type BinResult, type SmallDisk } from '@c2w/testing';
import { fixturesDir } from './helpers/fixtures.js';
import { hostileBase, hostileLayers } from './helpers/hostile-layers.js';
import { gzipImage, memoryImage, sha256, writeLayout } from './helpers/memory-image.js';

const bin = join(workspaceRoot, 'packages', 'layer-flatten', 'bin', 'run.js');

/** The real bin, as a user runs it: exit codes, stdout, no partial outputs, host untouched. */
describe('layer-flatten command', () => {
  let work: string;
  let good: string;
  let hostile: string;
  let config: Buffer;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'lf-command-'));
    good = join(work, 'good');
    const image = gzipImage([await makeTar([{ name: 'etc/', type: 'directory' }, { name: 'etc/hello', body: 'hi' }])]);
    config = image.config;
    await writeLayout(good, image);
    // layer 1 plants a symlink to a host directory, layer 2 writes through it
    hostile = join(work, 'hostile');
    await mkdir(join(work, 'host-victim'));
    await writeLayout(hostile, gzipImage([
      await makeTar([{ name: 'big', body: 'x'.repeat(100_000) }, { name: 'victim', type: 'symlink', linkname: `../../../../../../../..${join(work, 'host-victim')}` }]),
      await makeTar([{ name: 'victim/pwned', body: 'x' }]),
    ]));
  });
  afterAll(async () => { await rm(work, { recursive: true, force: true }); });

  it('--json prints the output, manifest digest, layer and entry counts on stdout, and needs OUT to be a file', async () => {
    const out = join(work, 'json.tar');
    const r = await runBin('layer-flatten', ['--json', `oci:${good}:t`, out]);
    expect(r.exitCode).toBe(0);
    const summary = JSON.parse(r.stdout.toString()) as Record<string, unknown>;
    expect(summary).toEqual({ out, manifestDigest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/), layers: 1, entries: (await listTar(await readFile(out))).length });
    const toStdout = await runBin('layer-flatten', ['--json', `oci:${good}:t`]);
    expect({ exitCode: toStdout.exitCode, stderr: toStdout.stderr, stdout: toStdout.stdout.length }).toEqual({ exitCode: 2, stderr: 'layer-flatten: --json needs OUT to be a file: stdout carries the tar', stdout: 0 });
  });

  it('writes the tar to stdout by default and the config bytes with --config-out', async () => {
    const cfg = join(work, 'config.json');
    const r = await runBin('layer-flatten', ['--config-out', cfg, `oci:${good}:t`]);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect((await listTar(r.stdout)).map((e) => e.name)).toEqual(['etc/', 'etc/hello']);
    expect((await readFile(cfg)).equals(config)).toBe(true);
  });

  it('refuses a write through a symlink that leaves the root: exit 1, one line, no output, host untouched', async () => {
    const out = join(work, 'out');
    await mkdir(out);
    const spoolDir = join(work, 'tmp');
    await mkdir(spoolDir);
    const r = await runBin('layer-flatten', [`oci:${hostile}:t`, join(out, 'rootfs.tar'), '--config-out', join(out, 'config.json')], { env: { TMPDIR: spoolDir } });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe('layer-flatten: layer 2 of 2: "victim/pwned" resolves through a symlink that leaves the root');
    expect(await readdir(out)).toEqual([]);
    expect(await readdir(spoolDir)).toEqual([]);
    expect(await readdir(join(work, 'host-victim'))).toEqual([]);
  });

  it('exits 2 on usage errors and 1 on a missing layout', async () => {
    const platform = await runBin('layer-flatten', ['--platform', 'linux', `oci:${good}:t`]);
    expect(platform.exitCode).toBe(2);
    expect(platform.stderr).toContain('--platform "linux": expected os/arch[/variant]');
    expect((await runBin('layer-flatten', ['dir:/x'])).exitCode).toBe(2);
    expect((await runBin('layer-flatten', [])).exitCode).toBe(2);
    const missing = await runBin('layer-flatten', [`oci:${join(work, 'nope')}`]);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toMatch(/^layer-flatten: oci:.*nope: not a directory$/);
  });

  it('refuses an unknown tag, naming the tags there are', async () => {
    const r = await runBin('layer-flatten', [`oci:${good}:v9`]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe(`layer-flatten: oci:${good}:v9: no image tagged "v9" (tags: t)`);
  });

  it('shows per-layer progress on stderr when it is a terminal, and nothing when it is not', async () => {
    const layout = join(work, 'three-layers');
    await writeLayout(layout, gzipImage(await Promise.all([1, 2, 3].map((n) => makeTar([{ name: `f${n}`, body: 'x'.repeat(n * 300_000) }])))));
    const out = join(work, 'progress.tar');
    // util-linux script(1) runs the command on a pty; stdout goes to a file, so the transcript is stderr
    // cli-kit draws no status line under CI (its logs are no terminal): the test runs as a user would
    const { CI: _ci, ...desk } = process.env;
    const tty = await promisify(execFile)('script', ['-qec', `${process.execPath} ${bin} oci:${layout}:t ${out}`, '/dev/null'], { encoding: 'utf8', env: desk });
    // cli-kit's status line: the first status is drawn at once, later ones at most every 80 ms.
    const drawn = tty.stdout.split('\r\x1b[2K').filter(Boolean);
    expect(drawn[0]).toMatch(/^. layer-flatten: layer 1 of 3 [0-9a-f]{12} \d+\.\d\/\d+\.\d MiB$/);
    for (const line of drawn) expect(line).toMatch(/^. layer-flatten: (layer [123] of 3 [0-9a-f]{12} \d+\.\d\/\d+\.\d MiB|writing the flattened tree)$/);
    expect(tty.stdout.endsWith('\r\x1b[2K')).toBe(true);                       // the line is cleared at the end
    const fromTty = await readFile(out);
    expect((await listTar(fromTty)).map((e) => e.name)).toEqual(['f1', 'f2', 'f3']);
    await rm(out);
    const piped = await runBin('layer-flatten', [`oci:${layout}:t`, out]);
    expect(piped.exitCode).toBe(0);
    expect(piped.stderr).toBe('');
    expect((await readFile(out)).equals(fromTty)).toBe(true);
  });
});

/** Every refusal through the bin: exit 1, one line naming layer and path or blob, no OUT, no spool. */
describe('layer-flatten command on hostile and corrupt images', () => {
  let work: string;
  beforeAll(async () => { work = await mkdtemp(join(tmpdir(), 'lf-hostile-')); });
  afterAll(async () => { await rm(work, { recursive: true, force: true }); });

  async function refuse(name: string, image: { blobs: Map<string, Buffer>; manifest: Buffer }, message: RegExp): Promise<void> {
    const layout = join(work, name, 'layout');
    const out = join(work, name, 'out');
    const spool = join(work, name, 'tmp');
    await writeLayout(layout, image);
    await mkdir(out, { recursive: true });
    await mkdir(spool);
    const r = await runBin('layer-flatten', [`oci:${layout}:t`, join(out, 'rootfs.tar'), '--config-out', join(out, 'config.json')], { env: { TMPDIR: spool } });
    expect(r.exitCode).toBe(1);
    expect(r.stdout.length).toBe(0);
    expect(r.stderr).not.toContain('\n');
    expect(r.stderr).toMatch(new RegExp(`^layer-flatten: ${message.source.replace(/^\^/, '')}`));
    expect(await readdir(out)).toEqual([]);
    expect(await readdir(spool)).toEqual([]);
  }

  it.each(hostileLayers)('%s', async (what, layer, message) => {
    await refuse(what.replace(/\W+/g, '-'), gzipImage([await makeTar(hostileBase), await makeTar(layer)]), message);
  });

  it('a layer blob whose digest does not match', async () => {
    const tar = await makeTar(hostileBase);
    const image = gzipImage([tar]);
    const blob = gzipSync(tar);
    image.blobs.set(sha256(blob), Buffer.concat([blob.subarray(0, -1), Buffer.from([blob[blob.length - 1]! ^ 1])]));
    await refuse('digest', image, new RegExp(`^layer 1 of 1: blob ${sha256(blob)}: digest mismatch`));
  });

  it('a truncated gzip layer (whose digests describe the truncated bytes)', async () => {
    const tar = await makeTar([...hostileBase, { name: 'big', body: 'y'.repeat(100_000) }]);
    const cut = gzipSync(tar).subarray(0, 200);
    const image = memoryImage({ layerBlobs: [gzipSync(await makeTar(hostileBase)), cut], diffIds: [sha256(await makeTar(hostileBase)), sha256(tar)], layerTypes: [MediaType.ociLayerGzip, MediaType.ociLayerGzip] });
    await refuse('truncated', image, /^layer 2 of 2: gzip data is truncated or corrupt/);
  });
});

/**
 * Binary xattrs of the fixture image (build-fixtures.sh: every byte value in user.all-bytes, a file
 * capability) come out of the bin byte for byte, read by Python's tarfile and by readTar, and equal
 * what `umoci unpack` wrote on disk.
 */
describe('binary xattrs through the bin', () => {
  let work: string;
  let fx: string;
  beforeAll(async () => {
    fx = fixturesDir();
    work = await mkdtemp(join(tmpdir(), 'lf-xattrs-'));
  }, 300_000);
  afterAll(async () => { await rm(work, { recursive: true, force: true }); });

  it('keeps user.all-bytes and security.capability exactly', async () => {
    const out = join(work, 'final.tar');
    const r = await runBin('layer-flatten', [`oci:${fx}/oci:final`, out]);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const paths = ['etc/all-bytes', 'usr/bin/ping-cap', 'etc/os-release'];
    // surrogateescape turns the non-UTF-8 bytes of a PAX value back into the same bytes
    const python = JSON.parse(execFileSync('python3', ['-c', `import json, os, sys, tarfile
tar, root, paths = sys.argv[1], sys.argv[2], sys.argv[3:]
t = tarfile.open(tar, encoding='utf-8', errors='surrogateescape')
def from_tar(p):
    h = t.getmember(p).pax_headers
    return {k[13:]: v.encode('utf-8', 'surrogateescape').hex() for k, v in h.items() if k.startswith('SCHILY.xattr.')}
def from_disk(p):
    f = os.path.join(root, p)
    return {k: os.getxattr(f, k, follow_symlinks=False).hex() for k in os.listxattr(f, follow_symlinks=False)}
print(json.dumps({p: {'tar': from_tar(p), 'disk': from_disk(p)} for p in paths}))`, out, join(fx, 'ref', 'final', 'rootfs'), ...paths], { encoding: 'utf8' })) as Record<string, { tar: Record<string, string>; disk: Record<string, string> }>;
    const expected = {
      'etc/all-bytes': { 'user.all-bytes': Buffer.from(Array.from({ length: 256 }, (_, i) => i)).toString('hex') },
      'usr/bin/ping-cap': { 'security.capability': '0100000280200000ff00000000000000c3280000' },
      'etc/os-release': { 'user.fixture': Buffer.from('hello').toString('hex') },
    };
    const ours: Record<string, Record<string, string>> = {};
    for await (const { header } of readTar((await import('node:fs')).createReadStream(out))) {
      if (!paths.includes(header.name)) continue;
      ours[header.name] = Object.fromEntries(Object.entries(header.pax ?? {}).filter(([k]) => k.startsWith('SCHILY.xattr.')).map(([k, v]) => [k.slice(13), Buffer.from(v, 'latin1').toString('hex')]));
    }
    for (const p of paths) {
      expect(python[p]?.tar).toEqual(expected[p as keyof typeof expected]);
      expect(python[p]?.disk).toEqual(expected[p as keyof typeof expected]);
      expect(ours[p]).toEqual(expected[p as keyof typeof expected]);
    }
  });
});

/**
 * Failures of the environment and of late outputs through the bin: a full disk (a 20 MiB tmpfs as
 * OUT's directory, as TMPDIR, under --config-out or under stdout) is exit 3 with one line naming the
 * file, and leaves no output and no temporary file anywhere.
 */
describe('layer-flatten command on a full disk', () => {
  let work: string;
  let layout: string;
  let disk: SmallDisk | undefined;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'lf-full-'));
    layout = join(work, 'layout');
    // 24 MiB of random bytes: more than the disk holds, compressed or not
    await writeLayout(layout, gzipImage([await makeTar([0, 1, 2].map((i) => ({ name: `f${i}`, body: randomBytes(8 << 20) })))]));
    disk = mountSmallDisk(20);
  }, 60_000);
  afterEach(async () => { if (disk) for (const f of await readdir(disk.dir)) await rm(join(disk.dir, f)); });
  afterAll(async () => {
    disk?.unmount();
    await rm(work, { recursive: true, force: true });
  });

  async function expectClean(r: BinResult, code: number, line: RegExp, ...dirs: string[]): Promise<void> {
    expect(r.stderr).toMatch(line);
    expect(r.stderr).not.toContain('\n');
    expect(r.exitCode).toBe(code);
    for (const d of dirs) expect(await readdir(d)).toEqual([]);
  }

  it('OUT on a full disk: exit 3 naming OUT, nothing left', async () => {
    if (!disk) return;
    const r = await runBin('layer-flatten', [`oci:${layout}:t`, join(disk.dir, 'out.tar')]);
    await expectClean(r, 3, new RegExp(`^layer-flatten: writing output tar ${disk.dir}/out.tar failed: ENOSPC$`), disk.dir);
  });

  it('TMPDIR on a full disk: exit 3 naming the spool file there, no OUT', async () => {
    if (!disk) return;
    const out = join(work, 'out');
    await mkdir(out, { recursive: true });
    const r = await runBin('layer-flatten', [`oci:${layout}:t`, join(out, 'rootfs.tar')], { env: { TMPDIR: disk.dir } });
    await expectClean(r, 3, new RegExp(`^layer-flatten: layer 1 of 1: writing spool file ${disk.dir}/\\.layer-flatten-spool-\\S+ failed: ENOSPC$`), disk.dir, out);
  });

  it('--config-out on a full disk: exit 3 naming it, and OUT is not left behind either', async () => {
    if (!disk) return;
    await disk.fill();
    const out = join(work, 'out-cfg');
    await mkdir(out, { recursive: true });
    const r = await runBin('layer-flatten', ['--config-out', join(disk.dir, 'cfg.json'), `oci:${layout}:t`, join(out, 'rootfs.tar')]);
    expect(await readdir(disk.dir)).toEqual(['.fill']);
    await expectClean(r, 3, new RegExp(`^layer-flatten: writing config ${disk.dir}/cfg.json failed: ENOSPC$`), out);
  });

  it('--config-out in a missing directory fails before the image is even opened', async () => {
    const out = join(work, 'out-missing');
    await mkdir(out, { recursive: true });
    // the image does not exist either: the output check must come first to be reported
    const r = await runBin('layer-flatten', ['--config-out', join(work, 'missing', 'cfg.json'), `oci:${join(work, 'no-such-layout')}:t`, join(out, 'rootfs.tar')]);
    await expectClean(r, 3, new RegExp(`^layer-flatten: cannot create config ${work}/missing/cfg.json: ENOENT$`), out);
  });

  it('stdout redirected onto a full disk: exit 3, one line, no stack', async () => {
    if (!disk) return;
    const r = await runBin('layer-flatten', [`oci:${layout}:t`], { stdoutFile: join(disk.dir, 'redirected.tar') });
    await expectClean(r, 3, /^layer-flatten: writing standard output failed: ENOSPC$/);
  });
});

describe('layer-flatten command on damaged images and settings', () => {
  let work: string;
  beforeAll(async () => { work = await mkdtemp(join(tmpdir(), 'lf-damaged-')); });
  afterAll(async () => { await rm(work, { recursive: true, force: true }); });

  // a cut deep inside the deflate data fails while a file body is being spooled, not between entries
  it.each([['at 5000 bytes', 5000], ['at half', 0.5]] as const)('a gzip layer cut %s (digests describe the cut bytes): exit 1, one line, prefix once', async (name, at) => {
    const tar = await makeTar(Array.from({ length: 20 }, (_, i) => ({ name: `f${i}`, body: randomBytes(20_000).toString('hex') })));
    const gz = gzipSync(tar);
    const cut = gz.subarray(0, at < 1 ? Math.floor(gz.length * at) : at);
    const dir = join(work, name.replace(/\W+/g, '-'));
    await writeLayout(join(dir, 'layout'), memoryImage({ layerBlobs: [cut], diffIds: [sha256(tar)], layerTypes: [MediaType.ociLayerGzip] }));
    await mkdir(join(dir, 'out'));
    await mkdir(join(dir, 'tmp'));
    const r = await runBin('layer-flatten', [`oci:${join(dir, 'layout')}:t`, join(dir, 'out', 'rootfs.tar')], { env: { TMPDIR: join(dir, 'tmp') } });
    expect(r.stderr).toBe('layer-flatten: layer 1 of 1: gzip data is truncated or corrupt (unexpected end of file)');
    expect(r.exitCode).toBe(1);
    expect(await readdir(join(dir, 'out'))).toEqual([]);
    expect(await readdir(join(dir, 'tmp'))).toEqual([]);
  });

  it('a plain tar layer cut inside a file body: the layer is named once', async () => {
    const cut = (await makeTar([{ name: 'a', body: randomBytes(100_000) }, { name: 'b', body: 'x' }])).subarray(0, 50_000);
    const layout = join(work, 'tar-cut');
    await writeLayout(layout, memoryImage({ layerBlobs: [cut], diffIds: [sha256(cut)], layerTypes: [MediaType.ociLayerTar] }));
    const r = await runBin('layer-flatten', [`oci:${layout}:t`, join(work, 'tar-cut.tar')]);
    expect(r.stderr).toBe('layer-flatten: layer 1 of 1 is truncated (unexpected end of data)');
    expect(r.exitCode).toBe(1);
    await expect(readdir(work)).resolves.not.toContain('tar-cut.tar');
  });

  it('refuses an OCI layout of another major version (imageLayoutVersion)', async () => {
    const layout = join(work, 'layout-v2');
    await writeLayout(layout, gzipImage([await makeTar([{ name: 'a', body: 'x' }])]));
    await writeFile(join(layout, 'oci-layout'), '{"imageLayoutVersion":"2.0.0"}');
    const r = await runBin('layer-flatten', [`oci:${layout}:t`, join(work, 'v2.tar')]);
    expect(r.stderr).toBe(`layer-flatten: oci:${layout}:t: oci-layout has imageLayoutVersion "2.0.0", expected 1.x.y (1.0.0)`);
    expect(r.exitCode).toBe(1);
    await expect(readdir(work)).resolves.not.toContain('v2.tar');
  });

  it('names a malformed ~/.docker/config.json instead of pulling without credentials', async () => {
    const config = join(work, 'docker');
    await mkdir(config);
    await writeFile(join(config, 'config.json'), '{"auths": {"localhost:1": ');
    const r = await runBin('layer-flatten', ['docker://localhost:1/x:t', join(work, 'pulled.tar')], { env: { DOCKER_CONFIG: config } });
    expect(r.stderr).toMatch(new RegExp(`^layer-flatten: registry credentials ${config}/config.json are not JSON: [^\\n]+$`));
    expect(r.exitCode).toBe(1);
  });
});
