import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError, UsageError } from '@c2w/errors';
import { commitState, rootFormatOf } from '../../src/commit/commit-state.js';

// What fails before any guest boots; the guest part is e2e/test/writable-layer.e2e.test.ts.
describe('commitState refuses', () => {
  let dir: string;
  const noMachine = () => Promise.reject(new Error('no machine in this test'));
  const opts = (stateDir: string, outDir: string) => ({ stateDir, outDir, force: false, cwd: dir, cache: join(dir, 'cache'), offline: true });
  beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'c2w-commit-')); });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('a directory that is not a state (exit 1)', async () => {
    await mkdir(join(dir, 'st'));
    const p = commitState(opts(join(dir, 'st'), join(dir, 'out')), noMachine, () => undefined);
    await expect(p).rejects.toThrow(InputError);
    await expect(commitState(opts(join(dir, 'st'), join(dir, 'out')), noMachine, () => undefined)).rejects.toThrow(/is not a c2w container state \(no state.json/);
  });

  it('an OUT that exists (exit 2), leaving the state unlocked; a state whose bundle is gone (exit 1)', async () => {
    await mkdir(join(dir, 'st'));
    await writeFile(join(dir, 'st', 'state.json'), JSON.stringify({ schemaVersion: 1, image: { rootDisks: ['sha256:a'], manifestDigest: 'sha256:m' }, disk: { file: 'upper.ext4', bytes: 2 ** 30 }, bundle: join(dir, 'gone') }));
    await mkdir(join(dir, 'out'));
    await expect(commitState(opts(join(dir, 'st'), join(dir, 'out')), noMachine, () => undefined)).rejects.toThrow(UsageError);
    expect(await readdir(join(dir, 'st'))).toEqual(['state.json']);
    await expect(commitState(opts(join(dir, 'st'), join(dir, 'new')), noMachine, () => undefined)).rejects.toThrow(/gone is not a c2w bundle/);
    expect((await readdir(dir)).sort()).toEqual(['out', 'st']);
  });
});

describe('rootFormatOf', () => {
  it('keeps the bundle\'s root format: EROFS by rootfstype=erofs, else ISO 9660 (older bundles name iso9660 or nothing)', () => {
    expect(rootFormatOf('console=ttyS0 root=/dev/vda ro rootfstype=erofs init=/usr/sbin/c2w-init')).toBe('erofs');
    expect(rootFormatOf('console=ttyS0 root=/dev/vda ro rootfstype=iso9660 init=/usr/sbin/c2w-init')).toBe('iso');
    expect(rootFormatOf('console=ttyS0 root=/dev/vda ro')).toBe('iso');
  });
});
