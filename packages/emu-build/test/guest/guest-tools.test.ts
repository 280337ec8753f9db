import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requirePrerequisite } from '@c2w/testing';
import { elfDeps } from '../../src/guest/elf-needed.js';
import { GUEST_ARCH, GUEST_ARCHES } from '../../src/guest/guest-arch.js';
import { buildXattrsTool, guestToolsKey, toolCompiler } from '../../src/guest/guest-tools.js';

// c2w-xattrs' behaviour is tested with the host's parser in packages/c2w/test/commit/c2w-xattrs.test.ts.
describe('the guest\'s c2w-xattrs build', () => {
  let dir: string;
  beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'emu-build-tools-')); });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it.each(GUEST_ARCHES)('%s: static, no interpreter or libraries, the guest\'s machine, and the same bytes twice', async (arch) => {
    if (!requirePrerequisite(`${toolCompiler(arch)} (Debian cross gcc)`, spawnSync(toolCompiler(arch), ['--version']).status === 0)) return;
    const [a, b] = [join(dir, `${arch}-a`), join(dir, `${arch}-b`)];
    await buildXattrsTool(arch, a);
    await buildXattrsTool(arch, b);
    const bytes = await readFile(a);
    expect(bytes.equals(await readFile(b))).toBe(true);
    expect(bytes.length).toBeLessThan(16 * 1024);
    expect(await elfDeps(a, 'c2w-xattrs')).toMatchObject({ machine: GUEST_ARCH[arch].elfMachine, needed: [] });
    expect((await elfDeps(a, 'c2w-xattrs'))?.interp).toBeFalsy();
  });

  it('keys on the architecture (compiler and flags differ), and is stable', async () => {
    expect(await guestToolsKey('riscv64')).toBe(await guestToolsKey('riscv64'));
    expect(await guestToolsKey('riscv64')).not.toBe(await guestToolsKey('amd64'));
  });
});
