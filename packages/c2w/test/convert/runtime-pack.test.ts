import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '@c2w/errors';
import { obtainRuntimePack } from '../../src/convert/runtime-pack.js';

const sha = (b: string | Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const FILES = ['machine.wasm', 'fw_dynamic.bin', 'Image', 'guest.tar'] as const;

/** A pack directory whose small files are listed in a schema-valid pack.json; `tag` makes its bytes unique. */
function fakePack(dir: string, tag: string): string {
  mkdirSync(dir, { recursive: true });
  const files: Record<string, { digest: string; size: number }> = {};
  for (const name of FILES) {
    const body = `${tag} ${name}\n`;
    writeFileSync(join(dir, name), body);
    files[name] = { digest: sha(body), size: body.length };
  }
  const ref = { digest: sha(''), size: 0 };
  writeFileSync(join(dir, 'pack.json'), JSON.stringify({
    schemaVersion: 1, mediaType: 'application/vnd.c2w.runtime-pack.v1+json', arch: 'riscv64', files,
    boot: { append: 'console=ttyS0', init: '/usr/sbin/c2w-init', containerRoot: '/oci/rootfs', channel: { format: 'tar', version: 1 }, exit: 'sifive_test', foreignArches: [] },
    inputs: {
      tool: { name: 'emu-build', version: '0.1.0' }, sourceDateEpoch: 0,
      debian: { suite: 'trixie', releaseDate: 'x', inRelease: ref.digest, indexes: [], packages: [] },
      firmware: { package: 'opensbi', version: '1', path: 'fw' },
      kernel: { cacheKey: 'k', release: '6.1', config: ref, inputs: {} },
      machine: { sources: ref.digest, compiler: 'clang' },
      init: ref,
    },
  }));
  return dir;
}

/** A project directory with @c2w/runtime-pack-riscv64 installed in node_modules. */
function projectWithPackage(root: string): string {
  fakePack(join(root, 'node_modules', '@c2w', 'runtime-pack-riscv64'), 'npm');
  writeFileSync(join(root, 'node_modules', '@c2w', 'runtime-pack-riscv64', 'package.json'), JSON.stringify({ name: '@c2w/runtime-pack-riscv64', version: '0.1.0' }));
  return root;
}

describe('obtainRuntimePack', () => {
  const root = mkdtempSync(join(tmpdir(), 'c2w-runtime-pack-test-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const flagDir = fakePack(join(root, 'flag'), 'flag');
  const envDir = fakePack(join(root, 'env'), 'env');
  const project = projectWithPackage(join(root, 'project'));
  const base = { buildInto: join(root, 'build'), cache: join(root, 'cache'), offline: true, epoch: 0 };
  const noProgress = () => undefined;

  it('takes --runtime-pack first, then $C2W_PACK, then the installed package', async () => {
    expect((await obtainRuntimePack({ ...base, dir: flagDir, env: envDir, cwd: project }, noProgress)).dir).toBe(flagDir);
    expect((await obtainRuntimePack({ ...base, env: envDir, cwd: project }, noProgress)).dir).toBe(envDir);
    expect((await obtainRuntimePack({ ...base, env: '', cwd: project }, noProgress)).dir).toBe(join(project, 'node_modules', '@c2w', 'runtime-pack-riscv64'));
  });

  it('names the pack by the sha256 of pack.json', async () => {
    const got = await obtainRuntimePack({ ...base, dir: flagDir, cwd: project }, noProgress);
    expect(got.digest).toBe(sha(readFileSync(join(flagDir, 'pack.json'))));
  });

  it.each([
    ['a changed byte (same size)', (d: string) => writeFileSync(join(d, 'Image'), 'BAD Image\n'), /runtime pack file .*\/Image has sha256:[0-9a-f]{64}, expected sha256:[0-9a-f]{64} \(pack\.json\)$/],
    ['a different size', (d: string) => writeFileSync(join(d, 'guest.tar'), 'longer than the original\n'), /runtime pack file .*\/guest\.tar has 25 bytes, expected \d+ \(pack\.json\)$/],
    ['a missing file', (d: string) => rmSync(join(d, 'machine.wasm')), /runtime pack file .*\/machine\.wasm is missing or unreadable/],
  ])('refuses %s with a one-line InputError naming the file', async (_what, damage, message) => {
    const dir = fakePack(mkdtempSync(join(root, 'bad-')), 'bad');
    damage(dir);
    const err = await obtainRuntimePack({ ...base, dir, cwd: project }, noProgress).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).exitCode).toBe(1);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain('\n');
  });

  it('refuses a pack.json that is not JSON', async () => {
    const dir = fakePack(join(root, 'notjson'), 'x');
    writeFileSync(join(dir, 'pack.json'), '{');
    await expect(obtainRuntimePack({ ...base, dir, cwd: project }, noProgress)).rejects.toThrow(/pack\.json is not JSON/);
  });
});
