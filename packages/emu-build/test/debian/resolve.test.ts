import { buildIndex } from '../../src/debian/packages-index.js';
import { parseStanzas } from '../../src/debian/control-fields.js';
import { parseRelation, resolveClosure } from '../../src/debian/resolve.js';
import { FIXTURE } from '../fixtures/packages-fixture.js';

const index = () => buildIndex(parseStanzas(FIXTURE, 'Packages'), ['riscv64', 'all'], 'Packages');

describe('resolveClosure', () => {
  it('follows Depends to the run-time closure of runc, sorted by name', async () => {
    const got = resolveClosure(await index(), ['runc']);
    expect(got.map((p) => `${p.name} ${p.version}`)).toEqual([
      'gcc-14-base 14.2.0-19', 'libc6 2.41-12', 'libgcc-s1 14.2.0-19', 'libseccomp2 2.6.0-2', 'runc 1.1.15+ds1-2+b4',
    ]);
  });

  it('satisfies an alternative through Provides', async () => {
    expect(resolveClosure(await index(), ['needs-awk']).map((p) => p.name)).toEqual(['mawk', 'needs-awk']);
  });

  it('fails clearly on a missing package or an unsatisfiable version', async () => {
    await expect(index().then((i) => resolveClosure(i, ['nope']))).rejects.toThrow('package nope is not in the index');
    const broken = FIXTURE.replace('libc6 (>= 2.38)', 'libc6 (>= 3.0)');
    const i = await buildIndex(parseStanzas(broken, 'P'), ['riscv64', 'all'], 'P');
    expect(() => resolveClosure(i, ['runc'])).toThrow(/runc -> runc: unsatisfiable dependency "libc6 \(>= 3.0\)"/);
  });

  it('parses relations with architecture qualifiers', () => {
    expect(parseRelation('libc6:any (>= 2.38)')).toEqual({ name: 'libc6', op: '>=', version: '2.38' });
    expect(() => parseRelation('Bad Name')).toThrow(/bad dependency/);
  });
});
