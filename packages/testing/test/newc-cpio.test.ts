import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newcCpio, requirePrerequisite } from '../src/index.js';

// bsdtar (libarchive-tools, .ci/apt-packages.txt) reads the archive as a third party would
const haveBsdtar = requirePrerequisite('bsdtar (Debian libarchive-tools)', spawnSync('bsdtar', ['--version']).status === 0);

describe('newcCpio', () => {
  (haveBsdtar ? it : it.skip)('writes a newc archive bsdtar lists with its types, modes, names and bodies', () => {
    const dir = mkdtempSync(join(tmpdir(), 'c2w-cpio-'));
    try {
      const file = join(dir, 'a.cpio');
      writeFileSync(file, newcCpio([
        { name: 'bin', type: 'dir' },
        { name: 'dev/console', type: 'chardev', major: 5, minor: 1 },
        { name: 'bin/busybox', type: 'file', body: 'odd length', mode: 0o755 },
        { name: 'bin/sh', type: 'symlink', target: 'busybox' },
      ]));
      const list = spawnSync('bsdtar', ['-tvf', file], { encoding: 'utf8' }).stdout.split('\n').map((l) => l.split(/\s+/));
      expect(list.filter((f) => f.length > 1).map((f) => [f[0], f.at(-1)])).toEqual([
        ['drwxr-xr-x', 'bin'], ['crw-------', 'dev/console'], ['-rwxr-xr-x', 'bin/busybox'], ['lrwxrwxrwx', 'busybox']]);
      expect(spawnSync('bsdtar', ['-xOf', file, 'bin/busybox'], { encoding: 'utf8' }).stdout).toBe('odd length');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
