import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { digestFile } from '../src/index.js';

describe('digestFile', () => {
  it('gives the sha256 and size of a file larger than one read', async () => {
    const data = randomBytes((3 << 20) + 17); // three 1 MiB reads and a tail
    const path = join(await mkdtemp(join(tmpdir(), 'c2w-digest-')), 'blob');
    await writeFile(path, data);
    expect(await digestFile(path)).toEqual({ digest: `sha256:${createHash('sha256').update(data).digest('hex')}`, size: data.length });
  });

  it('digests an empty file', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'c2w-digest-')), 'empty');
    await writeFile(path, '');
    expect(await digestFile(path)).toEqual({ digest: 'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', size: 0 });
  });

  it('rejects a missing file with its errno', async () => {
    await expect(digestFile('/nonexistent/c2w/blob')).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
