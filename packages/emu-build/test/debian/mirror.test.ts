import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostDebianMirror } from '../../src/debian/mirror.js';

describe('hostDebianMirror', () => {
  it('takes the first non-security URIs of debian.sources', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'emu-build-mirror-'));
    const sources = join(dir, 'debian.sources');
    await writeFile(sources, 'Types: deb\n# comment\nURIs: http://mirror.example/debian-security\nSuites: bookworm-security\n\nTypes: deb\nURIs: http://mirror.example/debian/\nSuites: bookworm\n');
    expect(await hostDebianMirror({ sources, list: join(dir, 'none') })).toBe('http://mirror.example/debian');
  });

  it('falls back to sources.list and fails clearly without either', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'emu-build-mirror-'));
    const list = join(dir, 'sources.list');
    await writeFile(list, '# x\ndeb [arch=amd64] http://m.example/debian bookworm main\n');
    expect(await hostDebianMirror({ sources: join(dir, 'none'), list })).toBe('http://m.example/debian');
    await expect(hostDebianMirror({ sources: join(dir, 'none'), list: join(dir, 'none') })).rejects.toThrow(/--mirror/);
  });
});
