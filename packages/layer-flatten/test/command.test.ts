import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTar, runBin, listTar } from '@c2w/testing';
import { gzipImage, writeLayout } from './helpers/memory-image.js';

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
});
