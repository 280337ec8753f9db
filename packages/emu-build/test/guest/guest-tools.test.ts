import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requirePrerequisite } from '@c2w/testing';
import { elfDeps } from '../../src/guest/elf-needed.js';
import { GUEST_ARCH, GUEST_ARCHES } from '../../src/guest/guest-arch.js';
import { buildGuestTool, GUEST_TOOLS, guestToolsKey, toolCompiler } from '../../src/guest/guest-tools.js';

// Behaviour: c2w-xattrs in packages/c2w/test/commit/c2w-xattrs.test.ts (with the host's parser),
// c2w-pid1 in c2w-pid1.test.ts.
describe('the guest\'s own tools\' build', () => {
  let dir: string;
  beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'emu-build-tools-')); });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const cases = GUEST_ARCHES.flatMap((arch) => GUEST_TOOLS.map((t) => [arch, t.name, t] as const));
  it.each(cases)('%s %s: static, no interpreter or libraries, the guest\'s machine, and the same bytes twice', async (arch, name, tool) => {
    if (!requirePrerequisite(`${toolCompiler(arch)} (Debian cross gcc)`, spawnSync(toolCompiler(arch), ['--version']).status === 0)) return;
    const [a, b] = [join(dir, `${arch}-${name}-a`), join(dir, `${arch}-${name}-b`)];
    await buildGuestTool(arch, tool.source, a);
    await buildGuestTool(arch, tool.source, b);
    const bytes = await readFile(a);
    expect(bytes.equals(await readFile(b))).toBe(true);
    expect(bytes.length).toBeLessThan(16 * 1024);
    expect(await elfDeps(a, name)).toMatchObject({ machine: GUEST_ARCH[arch].elfMachine, needed: [] });
    expect((await elfDeps(a, name))?.interp).toBeFalsy();
  });

  it('keys on the architecture (compiler and flags differ) and on every tool\'s source, and is stable', async () => {
    expect(GUEST_TOOLS.map((t) => t.path)).toEqual(['usr/sbin/c2w-xattrs', 'usr/sbin/c2w-pid1']);
    expect(await guestToolsKey('riscv64')).toBe(await guestToolsKey('riscv64'));
    expect(await guestToolsKey('riscv64')).not.toBe(await guestToolsKey('amd64'));
  });
});
