import { mkdir, mkdtemp, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileChunks } from '@c2w/streams';
import { embedFiles, type EmbedSource } from '../src/embed.js';
import { fileSink } from '../src/file-sink.js';
import { CHUNK_SIZE } from '../src/layout.js';
import { fnv1a64, readRange, seeded, writePatternFile } from './support/files.js';
import { buildReader, readerAvailable } from './support/reader.js';
import { runWasi } from './support/run-wasi.js';

const haveReader = readerAvailable();
const maybe = haveReader ? describe : describe.skip;

async function embed(wasm: string, out: string, files: { path: string; name: string }[], mount = '/embed'): Promise<void> {
  const sources: EmbedSource[] = [];
  for (const f of files) sources.push({ ...f, size: (await stat(f.path)).size, open: () => readFileChunks(f.path) });
  const handle = await open(out, 'w');
  try {
    await embedFiles(await readFile(wasm), sources, fileSink(handle), { mount, allowLarge: false });
  } finally {
    await handle.close();
  }
}

maybe('embedFiles with a C program on node:wasi', () => {
  let dir: string;
  let reader: string;
  let out: string;
  const host = () => join(dir, 'host');
  const files = () => ({
    empty: join(dir, 'empty'), one: join(dir, 'one'), text: join(dir, 'text.txt'),
    exact: join(dir, 'exact.bin'), spans: join(dir, 'spans.bin'),
  });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vfs-embed-'));
    reader = buildReader(dir);
    const f = files();
    await writeFile(f.empty, '');
    await writeFile(f.one, 'x');
    await writeFile(f.text, 'hello world\n');
    await writePatternFile(f.exact, CHUNK_SIZE, 1);
    await writePatternFile(f.spans, CHUNK_SIZE + 1_500_007, 2);
    await mkdir(host());
    await writeFile(join(host(), 'h.txt'), 'on the host\n');
    out = join(dir, 'out.wasm');
    await embed(reader, out, [
      { path: f.empty, name: 'empty' }, { path: f.one, name: 'one' }, { path: f.text, name: 'text.txt' },
      { path: f.exact, name: 'exact.bin' }, { path: f.spans, name: 'spans.bin' },
    ]);
  }, 120_000);
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  it('stats embedded files of 0, 1 and 2^26 bytes and one that spans two segments', async () => {
    const r = await runWasi(out, ['stat', '/embed/empty', 'stat', '/embed/one', 'stat', '/embed/exact.bin', 'stat', '/embed/spans.bin']);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim().split('\n')).toEqual([
      'stat 0 0 1', 'stat 1 1 1', `stat ${CHUNK_SIZE} ${CHUNK_SIZE} 1`, `stat ${CHUNK_SIZE + 1_500_007} ${CHUNK_SIZE + 1_500_007} 1`,
    ]);
    expect(r.status).toBe(0);
  });

  it('reads a two-segment file to its end in 64 KiB read()s', async () => {
    const r = await runWasi(out, ['time', '/embed/spans.bin', '65536', 'rand', '/embed/exact.bin', '100', '4096']);
    expect(r.stdout).toMatch(new RegExp(`^time n=${CHUNK_SIZE + 1_500_007} ns=\\d+\nrand n=409600 ns=\\d+\n$`));
  });

  it('reads small files whole through stdio', async () => {
    const r = await runWasi(out, ['all', '/embed/empty', 'all', '/embed/one', 'all', '/embed/text.txt']);
    expect(r.stdout.trim().split('\n')).toEqual([
      `all n=0 h=${fnv1a64(Buffer.alloc(0))}`, `all n=1 h=${fnv1a64(Buffer.from('x'))}`, `all n=12 h=${fnv1a64(Buffer.from('hello world\n'))}`,
    ]);
  });

  it('serves random ranges with pread and with lseek + read, across the segment boundary and past the end', async () => {
    const random = seeded(14);
    const f = files();
    const checks: { path: string; guest: string; offset: number; length: number; how: 'pread' | 'seek' }[] = [];
    const add = (path: string, guest: string, offset: number, length: number) => {
      checks.push({ path, guest, offset, length, how: checks.length % 2 === 0 ? 'pread' : 'seek' });
    };
    for (const [path, guest, size] of [[f.exact, 'exact.bin', CHUNK_SIZE], [f.spans, 'spans.bin', CHUNK_SIZE + 1_500_007]] as const) {
      for (let i = 0; i < 12; i++) add(path, guest, Math.floor(random() * size), 1 + Math.floor(random() * 300_000));
      add(path, guest, 0, 4096);
      add(path, guest, size - 10, 10);
      add(path, guest, size - 100, 1000); // short read at the end
      add(path, guest, size + 5, 10); // past the end: 0 bytes
    }
    add(f.spans, 'spans.bin', CHUNK_SIZE - 777, 2000); // crosses from segment 1 to 2
    add(f.spans, 'spans.bin', CHUNK_SIZE - 777, 2000);
    add(f.text, 'text.txt', 6, 100);
    const args = checks.flatMap((c) => [c.how, `/embed/${c.guest}`, String(c.offset), String(c.length)]);
    const r = await runWasi(out, args);
    expect(r.stderr).toBe('');
    const expected = await Promise.all(checks.map(async (c) => {
      const bytes = await readRange(c.path, c.offset, c.length);
      return `${c.how} ${c.offset} ${c.length} n=${bytes.length} h=${fnv1a64(bytes)}`;
    }));
    expect(r.stdout.trim().split('\n')).toEqual(expected);
  }, 60_000);

  // The host file is opened after the mount took fd 4: without the placeholder the host would hand
  // out fd 4 again and the shim would answer its reads as the mount's (EISDIR).
  it('keeps host preopens, stdout, arguments and the exit status working beside the mount', async () => {
    const r = await runWasi(out, ['all', '/host/h.txt', 'write', '/host/new.txt', 'all', '/embed/one', 'exit', '7'], { '/host': host() });
    expect(r.stdout.trim().split('\n')).toEqual([`all n=12 h=${fnv1a64(Buffer.from('on the host\n'))}`, 'write 0', `all n=1 h=${fnv1a64(Buffer.from('x'))}`]);
    expect(r.status).toBe(7);
    expect(await readFile(join(host(), 'new.txt'))).toHaveLength(0);
  });

  it('serves the same module on @bjorn3/browser_wasi_shim, an in-memory host', async () => {
    const r = await runWasi(out, ['all', '/host/h.txt', 'all', '/embed/text.txt', 'pread', '/embed/spans.bin', String(CHUNK_SIZE - 3), '9', 'write', '/host/new.txt', 'all', '/host/h.txt', 'exit', '5'], {}, 'browser-shim');
    const host = `all n=12 h=${fnv1a64(Buffer.from('on the host\n'))}`;
    const crossing = await readRange(files().spans, CHUNK_SIZE - 3, 9);
    expect(r.stdout.trim().split('\n')).toEqual([host, `all n=12 h=${fnv1a64(Buffer.from('hello world\n'))}`, `pread ${CHUNK_SIZE - 3} 9 n=9 h=${fnv1a64(crossing)}`, 'write 0', host]);
    expect(r.status).toBe(5);
  });

  it('fails opens of missing names, writes and creates under the mount with the POSIX errors', async () => {
    const r = await runWasi(out, ['open', '/embed/nope', 'write', '/embed/one', 'write', '/embed/new', 'open', '/embed/one/x']);
    // wasi-libc errno values: ENOENT 44, EROFS 69; names are matched whole, so one/x is ENOENT too
    expect(r.stdout.trim().split('\n')).toEqual(['open 44', 'write 69', 'write 69', 'open 44']);
  });

  it('holds 64 embedded files open at once, then EMFILE, and reuses closed slots', async () => {
    const r = await runWasi(out, ['hold', '/embed/one', '70', 'hold', '/embed/text.txt', '64', 'all', '/embed/one']);
    // wasi-libc EMFILE is 33
    expect(r.stdout.trim().split('\n')).toEqual(['hold 64 33', 'hold 64 0', `all n=1 h=${fnv1a64(Buffer.from('x'))}`]);
  });

  it('writes the same bytes for the same inputs, with the files under another mount', async () => {
    const f = files();
    const a = join(dir, 'a.wasm');
    const b = join(dir, 'b.wasm');
    await embed(reader, a, [{ path: f.text, name: 'greeting' }, { path: f.one, name: 'one' }], '/data/in');
    await embed(reader, b, [{ path: f.text, name: 'greeting' }, { path: f.one, name: 'one' }], '/data/in');
    expect((await readFile(a)).equals(await readFile(b))).toBe(true);
    const r = await runWasi(a, ['all', '/data/in/greeting', 'open', '/embed/one']);
    expect(r.stdout.trim().split('\n')).toEqual([`all n=12 h=${fnv1a64(Buffer.from('hello world\n'))}`, 'open 76']);
  });
});
