import { execa } from 'execa';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTar, runBin } from '@c2w/testing';
import { fsckExtract, tempDir, writeTemp } from './support/readers.js';

const env = { SOURCE_DATE_EPOCH: '1700000000', PATH: process.env['PATH'] ?? '' };

describe('erofs-pack (CLI)', () => {
  let dir: string;
  beforeAll(async () => { dir = await tempDir(); });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  it('writes the image to stdout, the same bytes as to a file, grafts inputs and sets the label', async () => {
    const tar = await writeTemp(dir, 'in.tar', await makeTar([{ name: 'etc', type: 'directory' }, { name: 'etc/os-release', body: 'ID=c2w\n' }]));
    const toStdout = await runBin('erofs-pack', [`${tar}:/oci/rootfs`, '-L', 'C2WROOT'], { env });
    expect(toStdout.stderr).toBe('');
    expect(toStdout.exitCode).toBe(0);
    const out = join(dir, 'out.erofs');
    expect((await runBin('erofs-pack', [`${tar}:/oci/rootfs`, '-L', 'C2WROOT', '-o', out], { env })).exitCode).toBe(0);
    expect(toStdout.stdout.equals(await readFile(out))).toBe(true);
    expect((await fsckExtract(out, join(dir, 'x'))).get('oci/rootfs/etc/os-release')).toMatchObject({ size: 7 });
    expect((await execa('blkid', ['-o', 'export', out])).stdout).toMatch(/LABEL=C2WROOT[\s\S]*TYPE=erofs/);
  });

  it('--json prints the output, entry count and size on stdout, and needs -o FILE', async () => {
    const tar = await writeTemp(dir, 'json.tar', await makeTar([{ name: 'etc', type: 'directory' }, { name: 'etc/hosts', body: '127.0.0.1 localhost\n' }]));
    const out = join(dir, 'json.erofs');
    const r = await runBin('erofs-pack', [tar, '-o', out, '--json'], { env });
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout.toString())).toEqual({ output: out, entries: 2, bytes: (await readFile(out)).length });
    const toStdout = await runBin('erofs-pack', [tar, '--json'], { env });
    expect({ exitCode: toStdout.exitCode, stderr: toStdout.stderr, stdout: toStdout.stdout.length }).toEqual({ exitCode: 2, stderr: 'erofs-pack: --json needs -o FILE: stdout carries the image', stdout: 0 });
  });

  it('reads a tar from stdin', async () => {
    const tar = await makeTar([{ name: 'a', body: 'from stdin' }]);
    const r = await runBin('erofs-pack', ['-', '-o', join(dir, 'stdin.erofs')], { env, input: tar });
    expect(r.exitCode).toBe(0);
    expect((await fsckExtract(join(dir, 'stdin.erofs'), join(dir, 'y'))).get('a')).toMatchObject({ size: 10 });
  });

  const bad: Array<[string, () => Promise<Buffer>, RegExp]> = [
    ['a truncated tar', async () => (await makeTar([{ name: 'a', body: Buffer.alloc(5000, 1) }])).subarray(0, 3000), /truncated/],
    ['conflicting duplicate files', async () => makeTar([{ name: 'a', body: 'one' }, { name: 'a', body: 'two' }]), /conflicts with an earlier file/],
    ['a file where a directory was', async () => makeTar([{ name: 'a', body: 'x' }, { name: 'a/b', body: 'y' }]), /not a directory/],
    ['a path with ..', async () => makeTar([{ name: '../evil', body: 'x' }]), /escapes the root/],
    ['a dangling hardlink', async () => makeTar([{ name: 'b', type: 'link', linkname: 'nowhere' }]), /not an earlier entry/],
    ['a symlink target longer than a page', async () => makeTar([{ name: 'l', type: 'symlink', linkname: 'x'.repeat(4096) }]), /symlink target of 4096 bytes/],
    ['an empty input', async () => Buffer.alloc(1024), /no entries in input/],
  ];
  it.each(bad)('refuses %s with exit 1, one line and no output', async (_what, make, message) => {
    const tar = await writeTemp(dir, 'bad.tar', await make());
    const out = join(dir, 'bad-out', 'x.erofs');
    await mkdir(join(dir, 'bad-out'), { recursive: true });
    const r = await runBin('erofs-pack', [tar, '-o', out], { env });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^erofs-pack: /);
    expect(await readdir(join(dir, 'bad-out'))).toEqual([]);
  });

  it('exits 2 on usage errors and 1 on a missing input', async () => {
    expect((await runBin('erofs-pack', ['-o', join(dir, 'u.erofs')], { env })).exitCode).toBe(2);
    expect((await runBin('erofs-pack', ['-', '-', '-o', join(dir, 'u.erofs')], { env })).exitCode).toBe(2);
    expect((await runBin('erofs-pack', ['-', '-L', 'x'.repeat(17), '-o', join(dir, 'u.erofs')], { env })).exitCode).toBe(2);
    expect((await runBin('erofs-pack', [join(dir, 'missing.tar'), '-o', join(dir, 'u.erofs')], { env })).exitCode).toBe(1);
  });
});
