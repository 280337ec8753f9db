import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The reproducibility check that .ci/setup used to run on the way to the example: a second kernel
// build in another directory must give the same Image. build-kernel.sh records the result in the
// cache entry, so this builds twice once per kernel key and is a cache hit afterwards.
const script = join(dirname(fileURLToPath(import.meta.url)), '..', 'riscv64', 'build-kernel.sh');

describe('the riscv64 kernel', () => {
  it('builds byte-identically twice (checked once per kernel key)', () => {
    // SOURCE_DATE_EPOCH is part of the kernel key: unset, the script uses the source's own date (.ci/setup's key)
    const env = { ...process.env };
    delete env.SOURCE_DATE_EPOCH;
    const r = spawnSync('bash', [script, '--verify-reproducible'], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'inherit'] });
    expect(r.status).toBe(0);
    const entry = r.stdout.trim().split('\n').pop();
    const image = createHash('sha256').update(readFileSync(join(entry, 'Image'))).digest('hex');
    expect(readFileSync(join(entry, 'reproduced'), 'utf8')).toMatch(new RegExp(`^identical Image sha256:${image}, second build in `));
  }, 3_600_000);
});
