import { jest } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { workspaceRoot } from '@c2w/testing';
import { kernelImage } from '../../src/build/kernel.js';
import { kernelSourceFor } from '../../src/build/kernel-source.js';
import { GUEST_ARCH } from '../../src/guest/guest-arch.js';
import { hostDebianMirror } from '../../src/debian/mirror.js';
import { defaultCacheDir } from '../../src/options.js';

// Every option of tools/riscv64/c2w-rv64.fragment must be in the .config of the kernel the pack
// ships (build-kernel.sh's check_fragment checks it at build time, in bash; this checks the
// cached entry itself, with the same rules). On a cold cache kernelImage builds it (10-25 min).
jest.setTimeout(45 * 60_000);

const fragmentPath = join(workspaceRoot, 'tools', 'riscv64', 'c2w-rv64.fragment');
const x86FragmentPath = join(workspaceRoot, 'tools', 'x86_64', 'c2w-x86_64.fragment');

/** riscv64 options with no x86_64 meaning (CPU, SBI, device tree, the sifive_test power-off). */
const RISCV_ONLY = /^CONFIG_(ARCH_RV64I|MMU|SOC_VIRT|RISCV_|NONPORTABLE|EFI|FPU|SERIAL_OF_PLATFORM|SERIAL_EARLYCON_RISCV_SBI|HVC_|POWER_RESET)/;

interface Wanted { option: string; value: string; line: number }

/** `CONFIG_X=v` wants v; `# CONFIG_X is not set` wants it absent (n). Other lines: comments. */
function fragmentOptions(fragment: string): { wanted: Wanted[]; malformed: string[] } {
  const wanted: Wanted[] = [];
  const malformed: string[] = [];
  fragment.split('\n').forEach((text, i) => {
    const set = /^(CONFIG_[A-Za-z0-9_]+)=(.*)$/.exec(text);
    const unset = /^# (CONFIG_[A-Za-z0-9_]+) is not set$/.exec(text);
    if (set) wanted.push({ option: set[1]!, value: set[2]!, line: i + 1 });
    else if (unset) wanted.push({ option: unset[1]!, value: 'n', line: i + 1 });
    // anything else must be a comment or blank, or Kconfig would quietly ignore it
    else if (text.trim() !== '' && !text.startsWith('#')) malformed.push(`line ${i + 1}: ${text}`);
  });
  return { wanted, malformed };
}

/** The options of `wanted` that the .config text does not have with that value. */
function missingOptions(wanted: Wanted[], config: string): string[] {
  const values = new Map<string, string>();
  for (const m of config.matchAll(/^(CONFIG_[A-Za-z0-9_]+)=(.*)$/gm)) if (!values.has(m[1]!)) values.set(m[1]!, m[2]!);
  return wanted
    .filter((w) => (values.get(w.option) ?? 'n') !== w.value)
    .map((w) => `${w.option} (fragment line ${w.line}) wanted ${w.value === 'n' ? 'not set' : `=${w.value}`}, got ${values.has(w.option) ? `=${values.get(w.option)}` : 'not set'}`);
}

describe('kernel config fragment', () => {
  it('finds options missing, unset or with another value, and honoured ones', () => {
    const { wanted, malformed } = fragmentOptions('# comment\nCONFIG_A=y\nCONFIG_B=y\n# CONFIG_C is not set\nCONFIG_D=4\n# CONFIG_E is not set\nCONFIG_F=y\nCONFIG_G = y\n\n');
    expect(malformed).toEqual(['line 8: CONFIG_G = y']);
    const config = 'CONFIG_A=y\n# CONFIG_B is not set\nCONFIG_C=y\nCONFIG_D=8\n# CONFIG_E is not set\nCONFIG_F=m\n';
    expect(missingOptions(wanted, config)).toEqual([
      'CONFIG_B (fragment line 3) wanted =y, got not set',
      'CONFIG_C (fragment line 4) wanted not set, got =y',
      'CONFIG_D (fragment line 5) wanted =4, got =8',
      'CONFIG_F (fragment line 7) wanted =y, got =m',
    ]);
  });

  it('landed whole in the config of the cached kernel the pack uses', async () => {
    const fragment = await readFile(fragmentPath, 'utf8');
    const { wanted, malformed } = fragmentOptions(fragment);
    expect(malformed).toEqual([]);
    expect(wanted.length).toBeGreaterThan(50);
    expect(wanted).toContainEqual(expect.objectContaining({ option: 'CONFIG_SMP', value: 'n' }));
    // the same call as buildPack (src/build-pack.ts): the entry for the current fragment's key
    const cache = defaultCacheDir();
    const source = await kernelSourceFor({ mirror: await hostDebianMirror(), suite: 'bookworm', cache, offline: false, progress: () => undefined });
    const kernel = await kernelImage({
      script: join(workspaceRoot, 'tools', 'riscv64', 'build-kernel.sh'), cache, offline: false, source, progress: () => undefined,
    });
    const config = await readFile(kernel.config, 'utf8');
    expect({ config: kernel.config, missing: missingOptions(wanted, config) }).toEqual({ config: kernel.config, missing: [] });
  });

  it('x86_64: enables every guest-facing option of the riscv64 fragment, so the same c2w-init works', async () => {
    const rv = fragmentOptions(await readFile(fragmentPath, 'utf8')).wanted.filter((w) => !RISCV_ONLY.test(w.option));
    const x86 = fragmentOptions(await readFile(x86FragmentPath, 'utf8'));
    expect(x86.malformed).toEqual([]);
    const x86Values = new Map(x86.wanted.map((w) => [w.option, w.value]));
    expect(rv.filter((w) => x86Values.get(w.option) !== w.value).map((w) => w.option)).toEqual([]);
    expect(x86.wanted).toEqual(expect.arrayContaining(['PVH', 'VIRTIO_MMIO_CMDLINE_DEVICES', 'X86_MPPARSE', 'SERIAL_8250_CONSOLE'].map((o) => expect.objectContaining({ option: `CONFIG_${o}`, value: 'y' }))));
  });

  it('x86_64: landed whole in the config of the cached x86_64 kernel', async () => {
    const { wanted } = fragmentOptions(await readFile(x86FragmentPath, 'utf8'));
    const cache = defaultCacheDir();
    const source = await kernelSourceFor({ mirror: await hostDebianMirror(), suite: 'bookworm', cache, offline: false, progress: () => undefined });
    const kernel = await kernelImage({
      script: join(workspaceRoot, 'tools', 'x86_64', 'build-kernel.sh'), layout: GUEST_ARCH.amd64.kernel, cache, offline: false, source, progress: () => undefined,
    });
    const config = await readFile(kernel.config, 'utf8');
    expect({ config: kernel.config, missing: missingOptions(wanted, config) }).toEqual({ config: kernel.config, missing: [] });
  });
});
