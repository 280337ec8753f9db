import { buildIndex, toBinaryPackage } from '../../src/debian/packages-index.js';
import { parseStanzas } from '../../src/debian/control-fields.js';

import { FIXTURE, sha } from '../fixtures/packages-fixture.js';

describe('PackageIndex', () => {
  it('keeps the wanted architectures and picks the newest version', async () => {
    const index = await buildIndex(parseStanzas(FIXTURE, 'Packages'), ['riscv64', 'all'], 'Packages');
    expect(index.newest('libc6')?.version).toBe('2.41-12');
    expect(index.versions('libc6')).toHaveLength(2);
    expect(index.newest('opensbi')?.architecture).toBe('all');
    expect(index.newest('qemu-user')).toBeUndefined();
    expect(index.providersOf('awk').map((p) => p.name)).toEqual(['mawk']);
  });

  it('refuses stanzas without download fields or with unsafe file names', () => {
    const [s] = [...parseStanzas('Package: x\nVersion: 1\nArchitecture: all\nSize: 1\nSHA256: ' + sha('a') + '\n', 'P')];
    expect(() => toBinaryPackage(s!, 'P')).toThrow(/no Filename/);
    const [t] = [...parseStanzas('Package: x\nVersion: 1\nArchitecture: all\nSize: 1\nFilename: ../x.deb\nSHA256: ' + sha('a') + '\n', 'P')];
    expect(() => toBinaryPackage(t!, 'P')).toThrow(/unsafe Filename/);
  });
});
