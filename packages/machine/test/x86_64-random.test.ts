// RDRAND/RDSEED seed Linux's random pool at boot when the command line trusts the CPU (the main
// machine's x86 board adds random.trust_cpu=on, microvm.c): a first read of /dev/random then needs
// no jitter entropy, which took about 2.5 G guest instructions. c2w-x86-bare stops after the read
// and reports its instruction count, which must stay well under that.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newcCpio, requirePrerequisite } from '@c2w/testing';
import { consoleLines, pkgDir, repoDir } from './helpers.js';

const runner = join(pkgDir, 'build', 'native', 'c2w-x86-bare');
const BUSYBOX = '/bin/busybox';
const APPEND = 'console=ttyS0 reboot=t panic=-1';
function cachedKernel(): string | undefined {
  if (process.env['C2W_X86_KERNEL']) return process.env['C2W_X86_KERNEL'];
  const r = spawnSync('bash', [join(repoDir, 'tools', 'x86_64', 'artifacts.sh'), '--offline'], { encoding: 'utf8' });
  return r.status === 0 ? /^C2W_X86_KERNEL (\S+)$/m.exec(r.stdout)?.[1] : undefined;
}
const isX86Elf = (f: string): boolean => {
  try { return readFileSync(f).subarray(0, 20).readUInt16LE(18) === 62; } catch { return false; }
};
const kernel = cachedKernel();
const ready = requirePrerequisite('the cached x86_64 kernel (tools/x86_64/artifacts.sh) and an x86-64 /bin/busybox (busybox-static)',
  kernel !== undefined && isX86Elf(BUSYBOX));

const INIT = `#!/bin/sh
mount -t proc proc /proc
echo "CPU-RNG $(grep -c -w rdrand /proc/cpuinfo) $(grep -c -w rdseed /proc/cpuinfo)"
echo "RANDOM-BYTES $(head -c 16 /dev/random | wc -c)"
reboot -f
`;
// the bound: boot, read and reboot take about 37 M instructions with the seed; without it the read
// alone waited about 2.5 G
const BOUND = 500_000_000;

let tmp: string;
(ready ? describe : describe.skip)('a random seed from the x86 CPU (RDRAND, random.trust_cpu=on)', () => {
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'c2w-x86-random-'));
    writeFileSync(join(tmp, 'initramfs.cpio'), newcCpio([
      ...['bin', 'dev', 'proc'].map((name) => ({ name, type: 'dir' as const })),
      { name: 'dev/console', type: 'chardev', major: 5, minor: 1 },
      { name: 'dev/random', type: 'chardev', major: 1, minor: 8 },
      { name: 'bin/busybox', type: 'file', body: readFileSync(BUSYBOX), mode: 0o755 },
      ...['sh', 'mount', 'grep', 'head', 'wc', 'reboot'].map((name) => ({ name: `bin/${name}`, type: 'symlink' as const, target: 'busybox' })),
      { name: 'init', type: 'file', mode: 0o755, body: INIT },
    ]));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('reads /dev/random at once after boot: the run to the read and the reboot stays under the bound', () => {
    const r = spawnSync(runner, ['--mem', '256', '--append', `${APPEND} random.trust_cpu=on`, '--initrd', join(tmp, 'initramfs.cpio'), kernel as string],
      { encoding: 'latin1', timeout: 600_000 });
    const lines = consoleLines(r.stdout);
    expect(lines).toContain('CPU-RNG 1 1'); // the flags line has both
    expect(lines).toContain('RANDOM-BYTES 16');
    const n = /after (\d+) instructions/.exec(r.stderr)?.[1];
    expect(n).toBeDefined();
    expect(Number(n)).toBeLessThan(BOUND);
  }, 600_000);
});
