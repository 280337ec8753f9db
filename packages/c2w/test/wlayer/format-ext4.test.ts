import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requirePrerequisite } from '@c2w/testing';
import { formatExt4 } from '../../src/wlayer/format-ext4.js';
import { readExt4Uuid } from '../../src/wlayer/writable-layer.js';

const hasE2fsprogs = spawnSync('e2fsck', ['-V']).status === 0 && spawnSync('dumpe2fs', ['-V']).status === 0;
const maybe = requirePrerequisite('e2fsck and dumpe2fs (Debian e2fsprogs)', hasE2fsprogs) ? describe : describe.skip;
const MiB = 2 ** 20;

/** dumpe2fs -h as key -> value. */
function header(path: string): Record<string, string> {
  const out = execFileSync('dumpe2fs', ['-h', path], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return Object.fromEntries(out.split('\n').filter((l) => l.includes(':')).map((l) => [l.slice(0, l.indexOf(':')).trim(), l.slice(l.indexOf(':') + 1).trim()]));
}

maybe('formatExt4 against e2fsprogs', () => {
  let dir: string;
  beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'c2w-ext4-')); });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  // 32 MiB: one small group; 1000 MiB: a partial last group; 16 GiB: 128 groups, the default disk
  it.each([32 * MiB, 1000 * MiB + 12345, 16 * 1024 * MiB])('%d bytes: e2fsck -fn finds nothing to fix', async (bytes) => {
    const path = join(dir, `d${bytes}.ext4`);
    const g = await formatExt4(path, { bytes, time: 1700000000, seed: 'test' });
    const fsck = spawnSync('e2fsck', ['-fn', path], { encoding: 'utf8' });
    expect(`${fsck.stdout}${fsck.stderr}`).not.toMatch(/fix|corrupt|invalid|wrong|differences/i);
    expect(fsck.status).toBe(0);
    const h = header(path);
    expect(h['Filesystem features']?.split(' ')).toEqual(expect.arrayContaining(['has_journal', 'extent', 'filetype', 'dir_index', 'sparse_super', 'large_file']));
    expect(Number(h['Block count'])).toBe(g.blocks);
    expect(Number(h['Journal length'] ?? h['Total journal blocks'])).toBe(g.journalBlocks);
    expect(h['Filesystem state']).toBe('clean');
    expect(h['Filesystem UUID']?.replace(/-/g, '')).toBe(await readExt4Uuid(path)); // what c2w-init compares
    // sparse: what the host spends is the metadata, not the disk size
    const st = await stat(path);
    expect(st.size).toBe(g.blocks * 4096);
    expect(st.blocks * 512).toBeLessThan(4 * MiB + g.groups * 8192);
  });

  it('the same seed, size and time give the same bytes; another seed another UUID', async () => {
    const digest = async (p: string) => createHash('sha256').update(await readFile(p)).digest('hex');
    await formatExt4(join(dir, 'a'), { bytes: 64 * MiB, time: 1, seed: 's' });
    await formatExt4(join(dir, 'b'), { bytes: 64 * MiB, time: 1, seed: 's' });
    await formatExt4(join(dir, 'c'), { bytes: 64 * MiB, time: 1, seed: 't' });
    expect(await digest(join(dir, 'a'))).toBe(await digest(join(dir, 'b')));
    expect(header(join(dir, 'a'))['Filesystem UUID']).not.toBe(header(join(dir, 'c'))['Filesystem UUID']);
  });

  it('a volatile format (no fsync, for a scratch disk) writes the same bytes as a durable one', async () => {
    const digest = async (p: string) => createHash('sha256').update(await readFile(p)).digest('hex');
    await formatExt4(join(dir, 'durable'), { bytes: 64 * MiB, time: 1, seed: 's' });
    await formatExt4(join(dir, 'volatile'), { bytes: 64 * MiB, time: 1, seed: 's', durable: false });
    expect(await digest(join(dir, 'volatile'))).toBe(await digest(join(dir, 'durable')));
    expect(spawnSync('e2fsck', ['-fn', join(dir, 'volatile')]).status).toBe(0);
  });

  it('refuses a size it cannot lay out and leaves no file behind', async () => {
    await expect(formatExt4(join(dir, 'small'), { bytes: MiB, time: 0, seed: 's' })).rejects.toThrow(/--disk-size.*between/);
    expect((await readdir(dir)).filter((n) => n.includes('.tmp-'))).toEqual([]);
  });
});
