import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '@c2w/errors';
import { obtainRuntimePack } from '../../src/convert/runtime-pack.js';

const sha = (b: string | Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const FILES = { riscv64: ['machine.wasm', 'fw_dynamic.bin', 'Image', 'guest.tar'], x86_64: ['machine.wasm', 'vmlinux', 'guest.tar'] } as const;

/** A pack directory whose small files are listed in a schema-valid pack.json; `tag` makes its bytes unique. */
function fakePack(dir: string, tag: string, arch: keyof typeof FILES = 'riscv64'): string {
  mkdirSync(dir, { recursive: true });
  const files: Record<string, { digest: string; size: number }> = {};
  for (const name of FILES[arch]) {
    const body = `${tag} ${name}\n`;
    writeFileSync(join(dir, name), body);
    files[name] = { digest: sha(body), size: body.length };
  }
  const ref = { digest: sha(''), size: 0 };
  writeFileSync(join(dir, 'pack.json'), JSON.stringify({
    schemaVersion: 1, mediaType: 'application/vnd.c2w.runtime-pack.v1+json', arch, files,
    boot: { append: 'console=ttyS0', init: '/usr/sbin/c2w-init', containerRoot: '/oci/rootfs', channel: { format: 'tar', version: 1 }, exit: 'sifive_test', foreignArches: [] },
    inputs: {
      tool: { name: 'emu-build', version: '0.1.0' }, sourceDateEpoch: 0,
      debian: { suite: 'trixie', releaseDate: 'x', inRelease: ref.digest, indexes: [], packages: [] },
      ...(arch === 'riscv64' ? { firmware: { package: 'opensbi', version: '1', path: 'fw' } } : {}),
      kernel: { cacheKey: 'k', release: '6.1', config: ref, inputs: {} },
      machine: { sources: ref.digest, compiler: 'clang' },
      init: ref,
    },
  }));
  return dir;
}

/** A project directory with @c2w/runtime-pack-<arch> installed in node_modules for each arch. */
function projectWithPackage(root: string, arches: Array<keyof typeof FILES> = ['riscv64']): string {
  for (const arch of arches) {
    const dir = join(root, 'node_modules', '@c2w', `runtime-pack-${arch}`);
    fakePack(dir, `npm-${arch}`, arch);
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `@c2w/runtime-pack-${arch}`, version: '0.1.0' }));
  }
  return root;
}

describe('obtainRuntimePack', () => {
  const root = mkdtempSync(join(tmpdir(), 'c2w-runtime-pack-test-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const flagDir = fakePack(join(root, 'flag'), 'flag');
  const envDir = fakePack(join(root, 'env'), 'env');
  const project = projectWithPackage(join(root, 'project'));
  const base = { machine: 'riscv64' as const, buildInto: join(root, 'build'), cache: join(root, 'cache'), offline: true, epoch: 0 };
  const x86Flag = fakePack(join(root, 'flag-x86'), 'flag-x86', 'x86_64');
  const x86Env = fakePack(join(root, 'env-x86'), 'env-x86', 'x86_64');
  const both = projectWithPackage(join(root, 'both'), ['riscv64', 'x86_64']);
  const noProgress = () => undefined;

  it('takes --runtime-pack first, then $C2W_PACK, then the installed package', async () => {
    expect((await obtainRuntimePack({ ...base, dirs: [flagDir], env: envDir, cwd: project }, noProgress)).dir).toBe(flagDir);
    expect((await obtainRuntimePack({ ...base, env: envDir, cwd: project }, noProgress)).dir).toBe(envDir);
    expect((await obtainRuntimePack({ ...base, env: '', cwd: project }, noProgress)).dir).toBe(join(project, 'node_modules', '@c2w', 'runtime-pack-riscv64'));
  });

  it('names the pack by the sha256 of pack.json', async () => {
    const got = await obtainRuntimePack({ ...base, dirs: [flagDir], cwd: project }, noProgress);
    expect(got.digest).toBe(sha(readFileSync(join(flagDir, 'pack.json'))));
  });

  it.each([
    ['a changed byte (same size)', (d: string) => writeFileSync(join(d, 'Image'), 'BAD Image\n'), /runtime pack file .*\/Image has sha256:[0-9a-f]{64}, expected sha256:[0-9a-f]{64} \(pack\.json\)$/],
    ['a different size', (d: string) => writeFileSync(join(d, 'guest.tar'), 'longer than the original\n'), /runtime pack file .*\/guest\.tar has 25 bytes, expected \d+ \(pack\.json\)$/],
    ['a missing file', (d: string) => rmSync(join(d, 'machine.wasm')), /runtime pack file .*\/machine\.wasm is missing or unreadable/],
  ])('refuses %s with a one-line InputError naming the file', async (_what, damage, message) => {
    const dir = fakePack(mkdtempSync(join(root, 'bad-')), 'bad');
    damage(dir);
    const err = await obtainRuntimePack({ ...base, dirs: [dir], cwd: project }, noProgress).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).exitCode).toBe(1);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain('\n');
  });

  it('refuses a pack.json that is not JSON', async () => {
    const dir = fakePack(join(root, 'notjson'), 'x');
    writeFileSync(join(dir, 'pack.json'), '{');
    await expect(obtainRuntimePack({ ...base, dirs: [dir], cwd: project }, noProgress)).rejects.toThrow(/pack\.json is not JSON/);
  });

  it('takes the pack made for the chosen machine from repeated --runtime-pack and a $C2W_PACK list', async () => {
    const x86 = { ...base, machine: 'x86_64' as const };
    expect((await obtainRuntimePack({ ...x86, dirs: [flagDir, x86Flag], env: x86Env, cwd: project }, noProgress)).dir).toBe(x86Flag);
    expect((await obtainRuntimePack({ ...x86, dirs: [flagDir], env: `${envDir}:${x86Env}`, cwd: project }, noProgress)).dir).toBe(x86Env);
    expect((await obtainRuntimePack({ ...base, dirs: [x86Flag], env: `${x86Env}:${envDir}`, cwd: project }, noProgress)).dir).toBe(envDir);
    const got = await obtainRuntimePack({ ...x86, env: '', cwd: both }, noProgress);
    expect({ dir: got.dir, arch: got.pack.arch }).toEqual({ dir: join(both, 'node_modules', '@c2w', 'runtime-pack-x86_64'), arch: 'x86_64' });
    expect((await obtainRuntimePack({ ...base, env: '', cwd: both }, noProgress)).dir).toBe(join(both, 'node_modules', '@c2w', 'runtime-pack-riscv64'));
  });

  it('checks an x86_64 pack\'s vmlinux against pack.json like any pack file', async () => {
    const dir = fakePack(mkdtempSync(join(root, 'bad-x86-')), 'bad', 'x86_64');
    writeFileSync(join(dir, 'vmlinux'), 'BAD vmlinux\n');
    await expect(obtainRuntimePack({ ...base, machine: 'x86_64', dirs: [dir], cwd: project }, noProgress)).rejects.toThrow(/runtime pack file .*\/vmlinux has sha256:[0-9a-f]{64}, expected sha256:[0-9a-f]{64} \(pack\.json\)$/);
  });
});
