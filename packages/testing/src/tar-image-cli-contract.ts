import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBin } from './run-bin.js';
import { makeTar } from './tar-fixtures.js';

export interface TarImageTool {
  /** The package and the tool's name (iso-pack, erofs-pack). */
  tool: string;
  /** The image file's extension, with its dot. */
  extension: string;
  /** Options every run of the test passes (a label, a Joliet tree). */
  options: string[];
  /** One option value the tool must refuse with exit 2 (a label too long). */
  badOption: string[];
  /** Sizes of the regular files in IMAGE, read by a reference tool (bsdtar, fsck.erofs), keyed by path. */
  sizes: (image: string, scratch: string) => Promise<Map<string, { size: number }>>;
}

const env = { SOURCE_DATE_EPOCH: '1700000000', PATH: process.env['PATH'] ?? '' };

/**
 * The contract every tar-in, image-out packer shares (docs/contributing.md): stdout and -o give the
 * same bytes, grafts, --json, stdin, bad input refused in one line with exit 1 and no output, usage
 * errors exit 2, an input without entries refused unless --allow-empty.
 */
export function describeTarImageCli(t: TarImageTool): void {
  describe(`${t.tool} (CLI contract of a tar-in, image-out packer)`, () => {
    let dir: string;
    const write = async (name: string, data: Buffer): Promise<string> => { await writeFile(join(dir, name), data); return join(dir, name); };
    const image = (name: string): string => join(dir, `${name}${t.extension}`);
    beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), `${t.tool}-contract-`)); });
    afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

    it('writes the image to stdout, the same bytes as to a file, and grafts inputs', async () => {
      const tar = await write('in.tar', await makeTar([{ name: 'etc', type: 'directory' }, { name: 'etc/os-release', body: 'ID=c2w\n' }]));
      const toStdout = await runBin(t.tool, [`${tar}:/oci/rootfs`, ...t.options], { env });
      expect({ stderr: toStdout.stderr, exitCode: toStdout.exitCode }).toEqual({ stderr: '', exitCode: 0 });
      const out = image('out');
      expect((await runBin(t.tool, [`${tar}:/oci/rootfs`, ...t.options, '-o', out], { env })).exitCode).toBe(0);
      expect(toStdout.stdout.equals(await readFile(out))).toBe(true);
      expect((await t.sizes(out, join(dir, 'x-out'))).get('oci/rootfs/etc/os-release')).toMatchObject({ size: 7 });
    });

    it('--json prints the output, entry count and size on stdout, and needs -o FILE', async () => {
      const tar = await write('json.tar', await makeTar([{ name: 'etc', type: 'directory' }, { name: 'etc/hosts', body: '127.0.0.1 localhost\n' }]));
      const out = image('json');
      const r = await runBin(t.tool, [tar, '-o', out, '--json'], { env });
      expect(r.exitCode).toBe(0);
      expect(JSON.parse(r.stdout.toString())).toEqual({ output: out, entries: 2, bytes: (await readFile(out)).length });
      const toStdout = await runBin(t.tool, [tar, '--json'], { env });
      expect({ exitCode: toStdout.exitCode, stderr: toStdout.stderr, stdout: toStdout.stdout.length })
        .toEqual({ exitCode: 2, stderr: `${t.tool}: --json needs -o FILE: stdout carries the image`, stdout: 0 });
    });

    it('reads a tar from stdin', async () => {
      const r = await runBin(t.tool, ['-', '-o', image('stdin')], { env, input: await makeTar([{ name: 'a', body: 'from stdin' }]) });
      expect(r.exitCode).toBe(0);
      expect((await t.sizes(image('stdin'), join(dir, 'x-stdin'))).get('a')).toMatchObject({ size: 10 });
    });

    const bad: Array<[string, () => Promise<Buffer>, RegExp]> = [
      ['a truncated tar', async () => (await makeTar([{ name: 'a', body: Buffer.alloc(5000, 1) }])).subarray(0, 3000), /truncated/],
      ['conflicting duplicate files', async () => makeTar([{ name: 'a', body: 'one' }, { name: 'a', body: 'two' }]), /conflicts with an earlier file/],
      ['a file where a directory was', async () => makeTar([{ name: 'a', body: 'x' }, { name: 'a/b', body: 'y' }]), /not a directory/],
      ['a path with ..', async () => makeTar([{ name: '../evil', body: 'x' }]), /escapes the root/],
      ['a dangling hardlink', async () => makeTar([{ name: 'b', type: 'link', linkname: 'nowhere' }]), /not an earlier entry/],
      ['an empty input', async () => Buffer.alloc(1024), /no entries in input/],
    ];
    it.each(bad)('refuses %s with exit 1, one line and no output', async (_what, make, message) => {
      const tar = await write('bad.tar', await make());
      await mkdir(join(dir, 'bad-out'), { recursive: true });
      const r = await runBin(t.tool, [tar, '-o', join(dir, 'bad-out', `x${t.extension}`)], { env });
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr.startsWith(`${t.tool}: `)).toBe(true);
      expect(await readdir(join(dir, 'bad-out'))).toEqual([]);
    });

    it('exits 2 on usage errors and 1 on a missing input', async () => {
      const out = image('usage');
      expect((await runBin(t.tool, ['-o', out], { env })).exitCode).toBe(2);
      expect((await runBin(t.tool, ['-', '-', '-o', out], { env })).exitCode).toBe(2);
      expect((await runBin(t.tool, ['-', ...t.badOption, '-o', out], { env })).exitCode).toBe(2);
      expect((await runBin(t.tool, [join(dir, 'missing.tar'), '-o', out], { env })).exitCode).toBe(1);
    });

    it('refuses an input without entries (a failed stage upstream) unless --allow-empty', async () => {
      const small = await write('small.tar', await makeTar([{ name: 'a', body: 'x' }]));
      for (const input of [Buffer.alloc(0), await makeTar([])]) {
        const refused = await runBin(t.tool, [small, '-', '-o', image('empty')], { env, input });
        expect(refused.stderr).toBe(`${t.tool}: no entries in stdin: expected a tar with at least one entry (--allow-empty accepts an empty one)`);
        expect(refused.exitCode).toBe(1);
        expect((await readdir(dir)).includes(`empty${t.extension}`)).toBe(false);
      }
      const allowed = await runBin(t.tool, ['--allow-empty', '-', '-o', image('empty')], { env, input: '' });
      expect(allowed.exitCode).toBe(0);
      expect((await t.sizes(image('empty'), join(dir, 'x-empty'))).size).toBe(0);
    });
  });
}
