import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmdirSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SmallDisk {
  /** The mount point: an empty tmpfs of the size asked for. */
  dir: string;
  /** Fills the disk to the last block (a file `.fill`), so creating an empty file still works but writing fails. */
  fill(): Promise<void>;
  unmount(): void;
}

/**
 * A small tmpfs for full-disk tests (`mount -t tmpfs -o size=20m`). Mounting needs root: elsewhere
 * this says so on stderr and returns undefined (the caller returns early), but under CI=true, where
 * the environment is ours to set up, a failed mount fails the test.
 */
export function mountSmallDisk(sizeMiB = 20): SmallDisk | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'c2w-small-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMiB}m,mode=0755`, 'tmpfs', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    rmdirSync(dir);
    const why = `cannot mount a ${sizeMiB} MiB tmpfs for a full-disk test (needs root): ${(err as Error).message.split('\n')[0]}`;
    if (process.env['CI'] === 'true') throw new Error(why);
    process.stderr.write(`NOT RUN: ${why}\n`);
    return undefined;
  }
  return {
    dir,
    async fill() {
      const fh = await open(join(dir, '.fill'), 'w');
      try {
        for (const size of [1 << 20, 4096, 512, 1]) {
          const zeros = Buffer.alloc(size);
          for (;;) {
            try {
              await fh.write(zeros);
            } catch (err) {
              if ((err as NodeJS.ErrnoException).code === 'ENOSPC') break;
              throw err;
            }
          }
        }
      } finally {
        await fh.close();
      }
    },
    unmount() {
      execFileSync('umount', [dir]);
      rmdirSync(dir);
    },
  };
}
