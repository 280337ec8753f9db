import { execa } from 'execa';
import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTar, runBin, workspaceRoot, type FixtureEntry } from '@c2w/testing';
import { differences, readTarEntries, tempDir, viaBsdtar, writeTemp } from './support/readers.js';
import { EPOCH } from './support/pack.js';

const env = { SOURCE_DATE_EPOCH: String(EPOCH), PATH: process.env['PATH'] ?? '' };
const bin = join(workspaceRoot, 'packages/iso-pack/bin/run.js');
// reservedBlocks() + the constant reserve of pack.ts: metadata beyond it makes makeRoom evict extents.
const RESERVE_END = 19 + 4096;

/** Bytes that do not compress or repeat, so a misplaced extent cannot compare equal by luck. */
function noise(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed;
  for (let i = 0; i < length; i++) { x = (x * 1103515245 + 12345) >>> 0; out[i] = x >>> 24; }
  return out;
}

/** The audit's repro: three files, one of 700 KB. */
function threeFiles(): FixtureEntry[] {
  return [{ name: 'a', body: 'first\n' }, { name: 'big', body: noise(700_000, 1) }, { name: 'c', body: 'last\n' }];
}

/**
 * Metadata larger than the reserve (every directory takes a block): a 3 MiB file and small files
 * sit in its way, so extents are evicted to the end and the gap is filled from the tail.
 */
function overflowing(): FixtureEntry[] {
  const e: FixtureEntry[] = [{ name: 'early', type: 'directory' }, { name: 'early/small', body: 'small' }, { name: 'early/big', body: noise(3 * 1024 * 1024 + 5, 2) }];
  e.push({ name: 'd', type: 'directory' }, { name: 'late', type: 'directory' });
  for (let i = 0; i < 5000; i++) e.push({ name: `d/${i}`, type: 'directory' }, { name: `d/${i}/f`, body: `file ${i}`.repeat(i % 40) });
  for (let i = 0; i < 20; i++) e.push({ name: `late/${i}`, body: noise(10_000 * i, 3 + i) });
  return e;
}

async function* chunks(buf: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

/** iso-pack with stdin fed in `size`-byte writes (odd sizes split headers and bodies anywhere). */
async function viaChunkedStdin(args: string[], tar: Buffer, size: number): Promise<void> {
  await execa(process.execPath, [bin, ...args], { env, stdin: chunks(tar, size) });
}

const digest = async (path: string): Promise<string> => createHash('sha256').update(await readFile(path)).digest('hex');

/** Location of the L path table, the last piece of the metadata (PVD bytes 140-143). */
async function metadataEnd(path: string): Promise<number> {
  return (await readFile(path)).readUInt32LE(16 * 2048 + 140);
}

describe('the image depends on the entries only, not on how the input arrives', () => {
  let dir: string;
  beforeAll(async () => { dir = await tempDir(); });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  it.each([
    ['three files, one of 700 KB', threeFiles, false],
    ['metadata that overflows the reserve', overflowing, true],
  ] as const)('%s: file path, stdin redirect, pipe in odd chunks and -o - give the same bytes', async (label, entries, overflows) => {
    const tar = await makeTar(entries());
    const name = label.replace(/\W+/g, '-');
    const file = await writeTemp(dir, `${name}.tar`, tar);
    const out = (how: string): string => join(dir, `${name}-${how}.iso`);

    expect((await runBin('iso-pack', [file, '--joliet', '-o', out('path')], { env })).exitCode).toBe(0);
    expect((await runBin('iso-pack', ['-', '--joliet', '-o', out('redirect')], { env, inputFile: file })).exitCode).toBe(0);
    for (const size of [1021, 65_537, 1 << 20]) await viaChunkedStdin(['-', '--joliet', '-o', out(`chunks-${size}`)], tar, size);
    const toStdout = await runBin('iso-pack', [file, '--joliet'], { env });
    expect(toStdout.exitCode).toBe(0);

    const expected = await digest(out('path'));
    const ways = ['redirect', 'chunks-1021', 'chunks-65537', `chunks-${1 << 20}`];
    expect(await Promise.all(ways.map(async (w) => `${w} ${await digest(out(w))}`))).toEqual(ways.map((w) => `${w} ${expected}`));
    expect(createHash('sha256').update(toStdout.stdout).digest('hex')).toBe(expected);
    // The case really is the one named: metadata within the reserve, or beyond it.
    expect(await metadataEnd(out('path')) > RESERVE_END).toBe(overflows);
    expect(differences(await readTarEntries(tar), await viaBsdtar(out('path')))).toEqual([]);
  }, 120_000);

  it('grafted inputs: either one from stdin gives the same bytes as both from files', async () => {
    const base = await writeTemp(dir, 'base.tar', await makeTar(threeFiles()));
    const rootfsTar = await makeTar(overflowing());
    const rootfs = await writeTemp(dir, 'rootfs.tar', rootfsTar);
    const out = (how: string): string => join(dir, `graft-${how}.iso`);
    expect((await runBin('iso-pack', [base, `${rootfs}:/oci/rootfs`, '-o', out('files')], { env })).exitCode).toBe(0);
    // `--`: a grafted stdin (`-:/DIR`) looks like an option to the flag parser.
    expect((await runBin('iso-pack', ['-o', out('rootfs-stdin'), '--', base, '-:/oci/rootfs'], { env, inputFile: rootfs })).exitCode).toBe(0);
    expect((await runBin('iso-pack', ['-', `${rootfs}:/oci/rootfs`, '-o', out('base-stdin')], { env, inputFile: base })).exitCode).toBe(0);
    await viaChunkedStdin(['-o', out('rootfs-chunks'), '--', base, '-:/oci/rootfs'], rootfsTar, 4099);
    const expected = await digest(out('files'));
    for (const how of ['rootfs-stdin', 'base-stdin', 'rootfs-chunks']) expect(`${how} ${await digest(out(how))}`).toBe(`${how} ${expected}`);
  }, 120_000);
});
