import { execFileSync } from 'node:child_process';
import { link, mkdir, mkdtemp, rm, symlink, writeFile, chmod, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diffManifests, makeTar, manifestOfDir, manifestOfTar } from '../src/index.js';

describe('fs manifest', () => {
  let dir: string;
  beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'fs-manifest-')); });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  it('describes a directory and the tar of it the same way', async () => {
    const root = join(dir, 'root');
    await mkdir(join(root, 'etc'), { recursive: true });
    await writeFile(join(root, 'etc', 'a'), 'hello');
    await link(join(root, 'etc', 'a'), join(root, 'etc', 'b'));
    await symlink('a', join(root, 'etc', 'l'));
    await chmod(join(root, 'etc', 'a'), 0o4755);
    for (const p of ['etc/a', 'etc', '.']) await utimes(join(root, p), 1000, 1000);
    const tar = join(dir, 'root.tar');
    execFileSync('bsdtar', ['--numeric-owner', '-cf', tar, '-C', root, '.']);
    const fromDir = await manifestOfDir(root);
    const fromTar = await manifestOfTar(await import('node:fs').then((fs) => fs.createReadStream(tar)));
    expect(diffManifests(fromDir, fromTar, ['mtime'])).toBe('');
    expect(fromDir.get('etc/b')).toMatchObject({ type: 'file', mode: '4755', size: 5, hl: 'etc/a' });
    expect(fromDir.get('etc/l')).toMatchObject({ type: 'symlink', target: 'a' });
  });

  it('reports differences per path', async () => {
    const a = await manifestOfTar(await makeTar([{ name: 'x', body: '1' }]));
    const b = await manifestOfTar(await makeTar([{ name: 'x', body: '2' }, { name: 'y', type: 'directory' }]));
    const diff = diffManifests(a, b);
    expect(diff).toContain('x\n');
    expect(diff).toContain('y\n  expected absent');
  });
});
