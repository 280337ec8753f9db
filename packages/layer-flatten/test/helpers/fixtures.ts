import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../fixtures/build-fixtures.sh', import.meta.url));

/**
 * The fixture images of test/fixtures/build-fixtures.sh, built once per version of the script and
 * cached under ~/.cache/c2w/fixtures/<script hash> (XDG_CACHE_HOME respected). A flock serialises
 * concurrent test files.
 */
export function fixturesDir(): string {
  const hash = createHash('sha256').update(readFileSync(script)).digest('hex').slice(0, 16);
  const cache = join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'c2w', 'fixtures');
  const dir = join(cache, hash);
  if (!existsSync(join(dir, 'done'))) {
    mkdirSync(cache, { recursive: true });
    execFileSync('flock', [join(cache, '.lock'), 'bash', script, dir], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 300_000 });
  }
  return dir;
}
