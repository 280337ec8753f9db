import { execa } from 'execa';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { bootRiscv64Root, cachedRiscv64Artifacts, consoleSection, initrdAsTar, makeTar, requirePrerequisite, runBin } from '@c2w/testing';
import { tempDir, writeTemp } from './support/readers.js';

/**
 * The real consumer: Linux 6.1 (riscv64, qemu-system-riscv64) mounts an erofs-pack image as its root
 * (root=/dev/vda rootfstype=erofs) and lists it from inside. Kernel and busybox root come from
 * tools/riscv64/artifacts.sh (cached in ~/.cache/c2w); without them the test skips loudly, and
 * fails under CI, whose setup builds them.
 */

const longTarget = `/${Array.from({ length: 300 }, (_, i) => `dir${i}`).join('/')}`; // ~2,000 bytes
const longName = 'n'.repeat(255);
// a directory of 3,000 sage-like names: many sorted blocks, looked up by binary search
const many = Array.from({ length: 3000 }, (_, i) => `cython_debug_info_sage.geometry.polyhedron.base_${String(i).padStart(4, '0')}.cpython-311-riscv64-linux-gnu.so`);

const EXTRA = `echo C2W-LIST-BEGIN
for f in /t /t/sticky /t/suid /t/hello /t/hard /t/link /t/long /t/${longName} /t/null /t/sda1 /t/fifo; do
  stat -c '%n|%a|%F|%u|%g|%s|%t:%T|%h' "$f"
done
echo "hello=$(cat /t/hello)"
echo "link=$(readlink /t/link)"
echo "long=$(readlink /t/long | md5sum | cut -c1-32)"
echo "bin=$(readlink /bin/sh)"
echo "many=$(ls /t/many | wc -l) $(cat /t/many/${many[2999]}) $(cat /t/many/${many[0]}) $(cat /t/many/${many[1500]})"
echo C2W-LIST-END
`;

const cached = await cachedRiscv64Artifacts();
const withKernel = requirePrerequisite('riscv64 kernel artifacts in the cache (run tools/riscv64/artifacts.sh)', cached !== null) ? it : it.skip;

describe('Linux mounts an erofs-pack image as its root', () => {
  withKernel('lists files, symlinks, modes and devices from inside the guest', async () => {
    const env = cached!;
    const dir = await tempDir();
    try {
      const baseTar = await writeTemp(dir, 'base.tar', await initrdAsTar(env['C2W_INITRD']!));
      const extra = await writeTemp(dir, 'extra.tar', await makeTar([
        { name: 'extra.sh', body: EXTRA, mode: 0o755 },
        { name: 't', type: 'directory', mode: 0o750, uid: 12, gid: 34 },
        { name: 't/sticky', type: 'directory', mode: 0o1777 },
        { name: 't/suid', body: 'x', mode: 0o4755, uid: 1000 },
        { name: 't/hello', body: 'hi from erofs-pack', mode: 0o640, uid: 5, gid: 6 },
        { name: 't/cap', body: 'c', mode: 0o755, pax: { 'SCHILY.xattr.security.capability': Buffer.from('0100000220000000000000000000000000000000', 'hex').toString('latin1') } },
        { name: 't/many', type: 'directory' },
        ...many.map((n, i) => ({ name: `t/many/${n}`, body: `#${i}` })),
        { name: 't/hard', type: 'link', linkname: 't/hello' },
        { name: 't/link', type: 'symlink', linkname: '../bin/busybox' },
        { name: 't/long', type: 'symlink', linkname: longTarget },
        { name: `t/${longName}`, body: '' },
        { name: 't/null', type: 'character-device', devmajor: 1, devminor: 3, mode: 0o666 },
        { name: 't/sda1', type: 'block-device', devmajor: 8, devminor: 1, mode: 0o660, gid: 6 },
        { name: 't/fifo', type: 'fifo', mode: 0o600 },
      ]));
      const image = join(dir, 'root.erofs');
      const packed = await runBin('erofs-pack', [baseTar, extra, '-L', 'C2WROOT', '-o', image], { env: { PATH: process.env['PATH'] ?? '', SOURCE_DATE_EPOCH: '1700000000' } });
      expect(packed.stderr).toBe('');
      const console_ = await bootRiscv64Root(env, image, 'erofs');
      expect(console_).toMatch(/BOOT-OK/);
      const listing = consoleSection(console_, 'C2W-LIST-BEGIN', 'C2W-LIST-END');
      const md5 = (await execa('sh', ['-c', `printf '%s\\n' '${longTarget}' | md5sum | cut -c1-32`])).stdout;
      expect(listing).toEqual(expect.arrayContaining([
        '/t|750|directory|12|34|472|0:0|4', // 14 dirents of 12 bytes + 304 name bytes
        '/t/sticky|1777|directory|0|0|27|0:0|2', // . and ..: 2 dirents + 3 name bytes
        '/t/suid|4755|regular file|1000|0|1|0:0|1',
        '/t/hello|640|regular file|5|6|18|0:0|2',
        '/t/hard|640|regular file|5|6|18|0:0|2',
        '/t/link|777|symbolic link|0|0|14|0:0|1',
        `/t/long|777|symbolic link|0|0|${longTarget.length}|0:0|1`,
        `/t/${longName}|644|regular empty file|0|0|0|0:0|1`,
        '/t/null|666|character special file|0|0|0|1:3|1',
        '/t/sda1|660|block special file|0|6|0|8:1|1',
        '/t/fifo|600|fifo|0|0|0|0:0|1',
        'hello=hi from erofs-pack',
        'many=3000 #2999 #0 #1500',
        'link=../bin/busybox',
        `long=${md5}`,
      ]));
      expect(console_).toMatch(/root: \/dev\/root \/ erofs ro/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
