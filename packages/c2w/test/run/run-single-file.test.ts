import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '@c2w/errors';
import { isSingleFile, singleFileArgs } from '../../src/run/run-single-file.js';

describe('singleFileArgs', () => {
  const host = mkdtempSync(join(tmpdir(), 'c2w-single-args-'));

  it('spells c2w run\'s flags as out.wasm\'s own options, then -- and the command', async () => {
    const r = await singleFileArgs({
      bundleDir: 'x.wasm', entrypoint: '/bin/sh', env: ['A=1', 'B=two words'], workdir: '/w', user: 'app:users',
      args: ['-c', 'echo hi'], mounts: [`${host}:/data`], debug: true, stdin: 'pipe', init: true,
    });
    expect(r.args).toEqual(['--entrypoint=/bin/sh', '--env=A=1', '--env=B=two words', '--workdir=/w', '--user=app:users', '--init', '--guest-debug', '--stdin=pipe', '--', '-c', 'echo hi']);
    expect(r.preopens).toEqual({ '/data': host });
  });

  it('refuses what a single file cannot do as usage errors', async () => {
    await expect(singleFileArgs({ bundleDir: 'x.wasm', mounts: [`${host}:/data:ro`] })).rejects.toThrow(UsageError);
    await expect(singleFileArgs({ bundleDir: 'x.wasm', memory: '512M' })).rejects.toThrow(/fixed at conversion/);
    await expect(singleFileArgs({ bundleDir: 'x.wasm', stats: true })).rejects.toThrow(UsageError);
  });
});

describe('isSingleFile', () => {
  it('is true for a file and false for a directory or nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'c2w-single-is-'));
    writeFileSync(join(dir, 'out.wasm'), '');
    expect(await isSingleFile(join(dir, 'out.wasm'))).toBe(true);
    expect(await isSingleFile(dir)).toBe(false);
    expect(await isSingleFile(join(dir, 'missing'))).toBe(false);
  });
});
