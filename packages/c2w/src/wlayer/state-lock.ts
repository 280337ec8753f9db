import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { EnvironmentError } from '@c2w/errors';

/** Whether process `pid` on this host is alive (EPERM: alive, someone else's). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes `<dir>/lock` for this process: a file created exclusively, holding our pid. A lock whose
 * process is gone (killed mid-run) is stale and taken over, so a crash never wedges a state.
 * Returns the release function.
 */
export async function lockState(dir: string, what: string): Promise<() => Promise<void>> {
  const path = join(dir, 'lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await open(path, 'wx');
      await fh.writeFile(`${process.pid}\n`);
      await fh.close();
      return () => rm(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(pid) && pid > 0 && processAlive(pid))
      throw new EnvironmentError(`${what} is in use by another c2w run (process ${pid}); one run at a time`);
    await rm(path, { force: true });
  }
  throw new EnvironmentError(`${what}: cannot take its lock ${path} (another run took it first)`);
}
