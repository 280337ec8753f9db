import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileSink } from '../src/file-sink.js';

describe('fileSink', () => {
  it('appends each write after the previous one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vfs-sink-'));
    try {
      const handle = await open(join(dir, 'f'), 'w');
      const sink = fileSink(handle);
      await sink.write(Buffer.from('ab'));
      await sink.write(Buffer.alloc(0));
      await sink.write(Buffer.from('cd'));
      await handle.close();
      expect((await readFile(join(dir, 'f'))).toString()).toBe('abcd');
    } finally {
      await rm(dir, { recursive: true });
    }
  });
});
