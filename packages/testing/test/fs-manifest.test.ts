import { execFileSync } from 'node:child_process';
import { link, mkdir, mkdtemp, readFile, rm, symlink, writeFile, chmod, utimes } from 'node:fs/promises';
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

  it('reads binary xattrs byte for byte, from the directory and from GNU tar and bsdtar archives of it', async () => {
    const root = join(dir, 'xattrs');
    await mkdir(join(root, 'usr', 'bin'), { recursive: true });
    await writeFile(join(root, 'usr', 'bin', 'ping'), 'ping');
    await writeFile(join(root, `${'long-name-'.repeat(12)}.txt`), 'long');
    await link(join(root, 'usr', 'bin', 'ping'), join(root, 'usr', 'bin', 'ping6'));
    const cap = '0100000280200000ff00000000000000c3280000';
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i)).toString('hex');
    execFileSync('python3', ['-c', `import os, sys
os.setxattr(sys.argv[1], 'security.capability', bytes.fromhex('${cap}'))
os.setxattr(sys.argv[1], 'user.all-bytes', bytes.fromhex('${all}'))
os.setxattr(sys.argv[2], 'user.text', 'grüße'.encode())`, join(root, 'usr', 'bin', 'ping'), join(root, 'usr')]);
    const fromDir = await manifestOfDir(root);
    expect(fromDir.get('usr/bin/ping')?.xattrs).toEqual({ 'security.capability': cap, 'user.all-bytes': all });
    expect(fromDir.get('usr/bin/ping6')?.xattrs).toEqual(fromDir.get('usr/bin/ping')?.xattrs);
    expect(fromDir.get('usr')?.xattrs).toEqual({ 'user.text': Buffer.from('grüße').toString('hex') });
    for (const [tool, args] of [['tar', ['--xattrs', '--xattrs-include=*', '--format=pax']], ['bsdtar', ['--xattrs']]] as const) {
      const tar = join(dir, `xattrs-${tool}.tar`);
      execFileSync(tool, [...args, '--numeric-owner', '-cf', tar, '-C', root, '.']);
      const bytes = await readFile(tar);
      // odd chunk sizes: PAX headers and bodies split across chunks
      const chunked = (async function* () { for (let i = 0; i < bytes.length; i += 777) yield bytes.subarray(i, i + 777); })();
      for (const fromTar of [await manifestOfTar(bytes), await manifestOfTar(chunked)]) {
        expect(diffManifests(fromDir, fromTar, ['mtime'])).toBe('');
      }
    }
  });

  it('reports differences per path', async () => {
    const a = await manifestOfTar(await makeTar([{ name: 'x', body: '1' }]));
    const b = await manifestOfTar(await makeTar([{ name: 'x', body: '2' }, { name: 'y', type: 'directory' }]));
    const diff = diffManifests(a, b);
    expect(diff).toContain('x\n');
    expect(diff).toContain('y\n  expected absent');
  });
});
