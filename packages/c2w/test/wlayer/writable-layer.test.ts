import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvironmentError, InputError, UsageError } from '@c2w/errors';
import { mountSmallDisk } from '@c2w/testing';
import { openWritableLayer, readExt4Uuid } from '../../src/wlayer/writable-layer.js';

const MiB = 2 ** 20;
const image = { rootDisks: ['sha256:aaaa'], manifestDigest: 'sha256:mmmm' };
const bundle = '/b/example';

/** A pid that surely belongs to no live process: one that has just exited. */
function deadPid(): number {
  return Number(spawnSync('sh', ['-c', 'echo $$'], { encoding: 'utf8' }).stdout.trim());
}

describe('openWritableLayer', () => {
  let home: string;
  beforeEach(async () => { home = await mkdtemp(join(tmpdir(), 'c2w-wlayer-')); });
  afterEach(() => rm(home, { recursive: true, force: true }));

  it('makes a scratch disk under the state home and removes it on release', async () => {
    const layer = await openWritableLayer({ image, bundle, time: 0, diskBytes: 64 * MiB, env: { C2W_STATE_HOME: home } });
    expect(layer.path.startsWith(join(home, 'scratch'))).toBe(true);
    expect(layer.uuid).toMatch(/^[0-9a-f]{32}$/);
    expect(await readExt4Uuid(layer.path)).toBe(layer.uuid);
    expect(layer.volatile).toBe(true); // formatted without fsync: it is removed after the run anyway
    await layer.release();
    expect(await readdir(join(home, 'scratch'))).toEqual([]);
  });

  it('names a state home it cannot create (exit 3)', async () => {
    await writeFile(join(home, 'file'), '');
    await expect(openWritableLayer({ image, bundle, time: 0, env: { C2W_STATE_HOME: join(home, 'file') } })).rejects.toThrow(EnvironmentError);
    await expect(openWritableLayer({ image, bundle, time: 0, env: { C2W_STATE_HOME: join(home, 'file') } })).rejects.toThrow(/cannot create .*file\/scratch for the writable layer: (ENOTDIR|EEXIST)/);
  });

  it('removes the scratch disk a killed run left behind', async () => {
    const stale = join(home, 'scratch', `run-${deadPid()}-00000000.ext4`);
    const layer = await openWritableLayer({ image, bundle, time: 0, diskBytes: 64 * MiB, env: { C2W_STATE_HOME: home } });
    await writeFile(stale, 'left over');
    await layer.release();
    const next = await openWritableLayer({ image, bundle, time: 0, diskBytes: 64 * MiB, env: { C2W_STATE_HOME: home } });
    expect(await readdir(join(home, 'scratch'))).toEqual([next.path.slice(next.path.lastIndexOf('/') + 1)]);
    await next.release();
  });

  it('creates a state once, keeps its disk, and gives the same disk to the next run', async () => {
    const dir = join(home, 'st');
    const first = await openWritableLayer({ stateDir: dir, image, bundle, time: 0, diskBytes: 64 * MiB });
    expect(first.volatile).toBe(false); // a kept state's disk is formatted with fsync
    await first.release();
    const record = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8'));
    expect(record).toEqual({ schemaVersion: 1, image, disk: { file: 'upper.ext4', bytes: 64 * MiB }, bundle });
    const second = await openWritableLayer({ stateDir: dir, image, bundle: '/b/moved', time: 99 });
    expect(second.path).toBe(first.path);
    expect(second.uuid).toBe(first.uuid);
    await second.release();
    expect((await readdir(dir)).sort()).toEqual(['state.json', 'upper.ext4']);
    expect(JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')).bundle).toBe('/b/moved'); // where c2w commit starts
  });

  it('refuses a second run of a state at once, and takes over the lock of a run that died', async () => {
    const dir = join(home, 'st');
    const held = await openWritableLayer({ stateDir: dir, image, bundle, time: 0, diskBytes: 64 * MiB });
    const busy = openWritableLayer({ stateDir: dir, image, bundle, time: 0 });
    await expect(busy).rejects.toThrow(EnvironmentError);
    await expect(busy).rejects.toThrow(`is in use by another c2w run (process ${process.pid})`);
    await held.release();
    await writeFile(join(dir, 'lock'), `${deadPid()}\n`);
    const after = await openWritableLayer({ stateDir: dir, image, bundle, time: 0 });
    expect(await readFile(join(dir, 'lock'), 'utf8')).toBe(`${process.pid}\n`);
    await after.release();
  });

  it('refuses a state written for another image, and another size, and leaves it unlocked', async () => {
    const dir = join(home, 'st');
    await (await openWritableLayer({ stateDir: dir, image, bundle, time: 0, diskBytes: 64 * MiB })).release();
    const other = { ...image, rootDisks: ['sha256:bbbb'] };
    await expect(openWritableLayer({ stateDir: dir, image: other, bundle, time: 0 })).rejects.toThrow(InputError);
    await expect(openWritableLayer({ stateDir: dir, image: other, bundle, time: 0 })).rejects.toThrow(/belongs to another image \(root disk sha256:aaaa, this bundle's is sha256:bbbb\)/);
    await expect(openWritableLayer({ stateDir: dir, image, bundle, time: 0, diskBytes: 128 * MiB })).rejects.toThrow(UsageError);
    expect(await readdir(dir)).not.toContain('lock');
  });

  it('names a damaged state: a record without its disk, a record that is not JSON', async () => {
    const dir = join(home, 'st');
    await (await openWritableLayer({ stateDir: dir, image, bundle, time: 0, diskBytes: 64 * MiB })).release();
    await rm(join(dir, 'upper.ext4'));
    await expect(openWritableLayer({ stateDir: dir, image, bundle, time: 0 })).rejects.toThrow(/is damaged: its disk upper.ext4 is missing/);
    await writeFile(join(dir, 'state.json'), '{');
    await expect(openWritableLayer({ stateDir: dir, image, bundle, time: 0 })).rejects.toThrow(/state.json is not JSON/);
  });

  it('refuses to make a disk where the host has not even room for its metadata (exit 3)', async () => {
    const small = mountSmallDisk(20);
    if (!small) return;
    try {
      const layer = openWritableLayer({ stateDir: join(small.dir, 'st'), image, bundle, time: 0, diskBytes: 64 * MiB });
      await expect(layer).rejects.toThrow(EnvironmentError);
      await expect(openWritableLayer({ stateDir: join(small.dir, 'st'), image, bundle, time: 0, diskBytes: 64 * MiB })).rejects.toThrow(/not enough host disk for the writable layer in .*: \d+ MiB free, expected at least 273 MiB/);
      expect(await readdir(join(small.dir, 'st'))).toEqual([]);
    } finally {
      small.unmount();
    }
  });
});
