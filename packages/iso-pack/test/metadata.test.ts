import { execa } from 'execa';
import { rm } from 'node:fs/promises';
import { makeTar, type FixtureEntry } from '@c2w/testing';
import { isoinfoListing, sevenZipNames } from './support/listings.js';
import { differences, readTarEntries, tempDir, viaBsdtar } from './support/readers.js';
import { packTo } from './support/pack.js';

/** Paths in the Joliet tree as isoinfo lists them (`-J -f`), without the `;1` versions. */
async function jolietPaths(iso: string): Promise<string[]> {
  return (await execa('isoinfo', ['-J', '-f', '-i', iso])).stdout.split('\n').filter(Boolean).map((l) => l.replace(/;1$/, '')).sort();
}

describe('the Joliet tree', () => {
  let dir: string;
  beforeAll(async () => { dir = await tempDir(); });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  it('leaves out symlinks, devices and fifos, which Rock Ridge keeps', async () => {
    const entries: FixtureEntry[] = [
      { name: 'd', type: 'directory' },
      { name: 'd/file', body: 'x' },
      { name: 'd/link', type: 'symlink', linkname: 'file' },
      { name: 'd/null', type: 'character-device', devmajor: 1, devminor: 3, mode: 0o666 },
      { name: 'd/sda', type: 'block-device', devmajor: 8, devminor: 0, mode: 0o660 },
      { name: 'd/fifo', type: 'fifo' },
      { name: 'd/hard', type: 'link', linkname: 'd/file' },
    ];
    const tar = await makeTar(entries);
    const warnings: string[] = [];
    const { path } = await packTo(dir, [tar], { joliet: true }, 'kinds.iso', warnings);
    expect(warnings).toEqual([]);
    // first column: isoinfo's type letter (d, -, l, c, b, f)
    expect(await isoinfoListing(path, '-J')).toEqual(['- /d/file', '- /d/hard', 'd /d']);
    expect(await isoinfoListing(path, '-R')).toEqual(['- /d/file', '- /d/hard', 'b /d/sda', 'c /d/null', 'd /d', 'f /d/fifo', 'l /d/link']);
    expect(await sevenZipNames(path)).toEqual(['d', 'd/file', 'd/hard']);
    expect(differences(await readTarEntries(tar), await viaBsdtar(path))).toEqual([]);
  });

  // "/" + 60 + "/" + 50 = 112 characters; a Joliet path of 120 characters is 240 bytes.
  const A = 'a'.repeat(60);
  const B = 'b'.repeat(50);
  const deep: FixtureEntry[] = [
    { name: A, type: 'directory' },
    { name: `${A}/${B}`, type: 'directory' },
    { name: `${A}/${B}/fits.t`, body: '119 characters, 238 bytes' },
    { name: `${A}/${B}/at240.t`, body: '120 characters, 240 bytes' },
    { name: `${A}/${B}/over.txt`, body: '121 characters, 242 bytes' },
    { name: `${A}/${B}/subdir12`, type: 'directory' },
    { name: `${A}/${B}/subdir12/below`, body: 'under a directory that is itself over the limit' },
  ];

  it('leaves out paths over 240 bytes with a note, and keeps them with --joliet-long', async () => {
    const tar = await makeTar(deep);
    const warnings: string[] = [];
    const short = await packTo(dir, [tar], { joliet: true }, 'deep.iso', warnings);
    expect(warnings).toEqual(['2 entries left out of the Joliet tree: their Joliet path exceeds 240 bytes (use --joliet-long)']);
    expect(await jolietPaths(short.path)).toEqual([`/${A}`, `/${A}/${B}`, `/${A}/${B}/at240.t`, `/${A}/${B}/fits.t`]);
    const long: string[] = [];
    const full = await packTo(dir, [tar], { jolietLong: true }, 'deep-long.iso', long);
    expect(long).toEqual([]);
    expect(await jolietPaths(full.path)).toEqual([`/${A}`, `/${A}/${B}`, `/${A}/${B}/at240.t`, `/${A}/${B}/fits.t`, `/${A}/${B}/over.txt`, `/${A}/${B}/subdir12`, `/${A}/${B}/subdir12/below`]);
    // Rock Ridge keeps everything in both
    for (const iso of [short.path, full.path]) expect(differences(await readTarEntries(tar), await viaBsdtar(iso))).toEqual([]);
  });
});
