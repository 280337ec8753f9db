import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkPackage, packageOf } from '../check-deps.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, 'fixtures', 'check-deps');
const script = join(here, '..', 'check-deps.js');

/** A copy of fixtures/check-deps/NAME in a temporary directory. */
function fixture(name) {
  const dir = join(mkdtempSync(join(tmpdir(), 'check-deps-')), name);
  cpSync(join(fixtures, name), dir, { recursive: true });
  return dir;
}

describe('packageOf', () => {
  it.each([
    ['zod', 'zod'], ['@oclif/core', '@oclif/core'], ['@scope/name/sub/path.js', '@scope/name'], ['lodash/fp', 'lodash'],
    ['node:fs', null], ['fs', null], ['fs/promises', null], ['./local.js', null], ['../up.js', null], ['/abs', null], ['#internal', null],
  ])('%s -> %s', (specifier, name) => expect(packageOf(specifier)).toBe(name));
});

describe('checkPackage', () => {
  it('is satisfied when src/ and bin/ imports are dependencies and the rest are either, ignoring dist/ and node_modules/', () => {
    const dir = fixture('clean');
    for (const d of ['dist', 'node_modules/x']) {
      mkdirSync(join(dir, d), { recursive: true });
      copyFileSync(join(fixtures, 'ignored.js'), join(dir, d, 'index.js'));
    }
    expect(checkPackage(dir)).toEqual([]);
  });

  it('lists missing and unused dependencies, and where each missing one is imported', () => {
    expect(checkPackage(fixture('broken'))).toEqual([
      'missing dependency zod (imported by src/a.ts)',
      'picomatch is imported by src/a.ts but listed only in devDependencies',
      'missing dependency @scope/pkg (imported by src/b.mjs)',
      'missing devDependency left-pad (imported by test/a.test.ts)',
      'unused dependency tar-stream',
      'unused dependency execa (only tests import it: move it to devDependencies)',
      'unused devDependency @types/tar-stream',
    ]);
  });

  it('counts a workspace tool whose bin a test runs by path as a devDependency', () => {
    const dir = fixture('clean');
    // split so that this file itself does not match the pattern it tests
    writeFileSync(join(dir, 'test', 'bin-path.test.ts'), "const bin = join(root, 'packages', " + "'machine', 'bin', 'run.js');\n");
    expect(checkPackage(dir)).toEqual(['missing devDependency @c2w/machine (imported by test/bin-path.test.ts)']);
  });

  it('fails the command with one line per problem', () => {
    const r = spawnSync(process.execPath, [script, fixture('broken')], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(7);
    expect(lines[0]).toMatch(/^check-deps: .*broken\/package\.json: missing dependency zod \(imported by src\/a\.ts\)$/);
  });

  it('passes on this workspace', () => {
    const r = spawnSync(process.execPath, [script], { encoding: 'utf8' });
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
  });
});
