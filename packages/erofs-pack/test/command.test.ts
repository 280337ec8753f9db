import { execa } from 'execa';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTar, runBin } from '@c2w/testing';
import { describeTarImageCli } from '@c2w/testing/tar-image-cli';
import { fsckExtract, tempDir, writeTemp } from './support/readers.js';

const env = { SOURCE_DATE_EPOCH: '1700000000', PATH: process.env['PATH'] ?? '' };

describeTarImageCli({ tool: 'erofs-pack', extension: '.erofs', options: ['-L', 'C2WROOT'], badOption: ['-L', 'x'.repeat(17)], sizes: fsckExtract });

describe('erofs-pack (CLI)', () => {
  let dir: string;
  beforeAll(async () => { dir = await tempDir(); });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  it('sets the label blkid reads', async () => {
    const tar = await writeTemp(dir, 'in.tar', await makeTar([{ name: 'etc', type: 'directory' }, { name: 'etc/os-release', body: 'ID=c2w\n' }]));
    const out = join(dir, 'out.erofs');
    expect((await runBin('erofs-pack', [tar, '-L', 'C2WROOT', '-o', out], { env })).exitCode).toBe(0);
    expect((await execa('blkid', ['-o', 'export', out])).stdout).toMatch(/LABEL=C2WROOT[\s\S]*TYPE=erofs/);
  });

  it('refuses a symlink target longer than a page with exit 1, one line and no output', async () => {
    const tar = await writeTemp(dir, 'bad.tar', await makeTar([{ name: 'l', type: 'symlink', linkname: 'x'.repeat(4096) }]));
    await mkdir(join(dir, 'bad-out'), { recursive: true });
    const r = await runBin('erofs-pack', [tar, '-o', join(dir, 'bad-out', 'x.erofs')], { env });
    expect({ exitCode: r.exitCode, lines: r.stderr.trim().split('\n').length }).toEqual({ exitCode: 1, lines: 1 });
    expect(r.stderr).toMatch(/^erofs-pack: .*symlink target of 4096 bytes/);
    expect(await readdir(join(dir, 'bad-out'))).toEqual([]);
  });
});
