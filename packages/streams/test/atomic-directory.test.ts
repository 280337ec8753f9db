import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvironmentError } from '@c2w/errors';
import { createAtomicDirectory } from '../src/index.js';

async function scratch(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'c2w-dir-'));
}

describe('createAtomicDirectory', () => {
  it('fills a hidden temporary directory that appears at the target only on commit', async () => {
    const root = await scratch();
    const out = await createAtomicDirectory(join(root, 'bundle'));
    expect(out.path).toBe(join(root, `.bundle.tmp-${process.pid}`));
    expect(out.target).toBe(join(root, 'bundle'));
    await writeFile(join(out.path, 'a.txt'), 'a');
    expect(await readdir(root)).toEqual([`.bundle.tmp-${process.pid}`]);
    await out.commit();
    expect(await readdir(root)).toEqual(['bundle']);
    expect(await readFile(join(root, 'bundle', 'a.txt'), 'utf8')).toBe('a');
  });

  it('leaves nothing on abort', async () => {
    const root = await scratch();
    const out = await createAtomicDirectory(join(root, 'bundle'));
    await mkdir(join(out.path, 'sub'));
    await writeFile(join(out.path, 'sub', 'x'), 'x');
    await out.abort();
    expect(await readdir(root)).toEqual([]);
  });

  it('replaces an existing directory whole when asked, keeping none of its files', async () => {
    const root = await scratch();
    await mkdir(join(root, 'pack'));
    await writeFile(join(root, 'pack', 'old.txt'), 'old');
    const out = await createAtomicDirectory(join(root, 'pack'), 'pack', { replace: true });
    await writeFile(join(out.path, 'new.txt'), 'new');
    expect(await readdir(join(root, 'pack'))).toEqual(['old.txt']);
    await out.commit();
    expect(await readdir(root)).toEqual(['pack']);
    expect(await readdir(join(root, 'pack'))).toEqual(['new.txt']);
  });

  it('without replace, refuses an existing non-empty target, names it, keeps it and removes the temporary', async () => {
    const root = await scratch();
    await mkdir(join(root, 'pack'));
    await writeFile(join(root, 'pack', 'theirs.txt'), 'theirs');
    const out = await createAtomicDirectory(join(root, 'pack'), 'pack');
    await writeFile(join(out.path, 'mine.txt'), 'mine');
    const err = await out.commit().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(EnvironmentError);
    expect((err as Error).message).toMatch(new RegExp(`^writing pack ${join(root, 'pack')} failed: (ENOTEMPTY|EEXIST)$`));
    expect(['ENOTEMPTY', 'EEXIST']).toContain(((err as Error).cause as NodeJS.ErrnoException).code);
    expect(await readdir(root)).toEqual(['pack']);
    expect(await readdir(join(root, 'pack'))).toEqual(['theirs.txt']);
  });

  it('starts empty even over a leftover of a killed run with the same pid', async () => {
    const root = await scratch();
    await mkdir(join(root, `.out.tmp-${process.pid}`));
    await writeFile(join(root, `.out.tmp-${process.pid}`, 'stale'), 'stale');
    const out = await createAtomicDirectory(join(root, 'out'));
    expect(await readdir(out.path)).toEqual([]);
    await out.abort();
  });

  it('fails as an environment error naming the target when its parent is not a directory', async () => {
    const root = await scratch();
    await writeFile(join(root, 'file'), '');
    await expect(createAtomicDirectory(join(root, 'file', 'out'), 'bundle')).rejects.toMatchObject({ name: 'EnvironmentError', exitCode: 3, message: `cannot create bundle ${join(root, 'file', 'out')}: ENOTDIR` });
  });
});
