import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

/** Not a test: the Debian + python3 + numpy + sympy root file system, built once and cached. */
export const fixturesDir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const script = join(fixturesDir, 'make-python-image.sh');
export const imageConfigPath = join(fixturesDir, 'python-image.config.json');

/** Root, mmdebstrap and chroot are needed; C2W_SKIP_IMAGE_TESTS=1 skips the slow proof. */
export const canBuildImage = process.getuid?.() === 0 && existsSync('/usr/bin/mmdebstrap') && existsSync('/usr/sbin/chroot') && process.env['C2W_SKIP_IMAGE_TESTS'] !== '1';

/** ~/.cache/c2w/fixtures/python-image-<sha256 of the script>.tar: editing the script rebuilds it. */
export function imageCachePath(): string {
  const key = createHash('sha256').update(readFileSync(script)).digest('hex').slice(0, 16);
  return join(homedir(), '.cache', 'c2w', 'fixtures', `python-image-${key}.tar`);
}

export async function pythonImage(): Promise<string> {
  const path = imageCachePath();
  if (existsSync(path)) return path;
  await mkdir(dirname(path), { recursive: true });
  await execa(script, [path], { stdio: 'inherit' });
  return path;
}
