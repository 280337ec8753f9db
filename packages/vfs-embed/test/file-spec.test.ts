import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFileSpec } from '../src/file-spec.js';

describe('parseFileSpec', () => {
  it('names a file by its basename, or by what follows the last colon', () => {
    expect(parseFileSpec('/x/data.bin')).toEqual({ path: '/x/data.bin', name: 'data.bin' });
    expect(parseFileSpec('/x/data.bin:d')).toEqual({ path: '/x/data.bin', name: 'd' });
    expect(parseFileSpec('a:b:c')).toEqual({ path: 'a:b', name: 'c' });
  });
  it('takes an existing file whose name has a colon whole', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vfs-spec-'));
    try {
      await writeFile(join(dir, 'a:b'), '');
      expect(parseFileSpec(join(dir, 'a:b'))).toEqual({ path: join(dir, 'a:b'), name: 'a:b' });
    } finally {
      await rm(dir, { recursive: true });
    }
  });
});
