import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readInputModule } from '../src/input-module.js';

describe('readInputModule', () => {
  it('reads a file whole and names a missing one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vfs-in-'));
    try {
      await writeFile(join(dir, 'm.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d]));
      expect(Buffer.from(await readInputModule(join(dir, 'm.wasm'))).toString('hex')).toBe('0061736d');
      await expect(readInputModule(join(dir, 'nope.wasm'))).rejects.toThrow(/IN.wasm .*nope.wasm does not exist/);
    } finally {
      await rm(dir, { recursive: true });
    }
  });
});
