import { mkdir, mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBin } from '@c2w/testing';
import { decodeChunkTable } from '../src/chunk-table.js';
import { readSections } from '../src/wasm-sections.js';
import { fnv1a64 } from './support/files.js';
import { moduleImporting } from './support/modules.js';
import { buildReader, readerAvailable } from './support/reader.js';
import { runWasi } from './support/run-wasi.js';

const haveReader = readerAvailable();

describe('vfs-embed (CLI)', () => {
  let dir: string;
  let reader: string;
  let text: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vfs-embed-cli-'));
    if (haveReader) reader = buildReader(dir);
    text = join(dir, 'text.txt');
    await writeFile(text, 'hello world\n');
  }, 60_000);
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  (haveReader ? it : it.skip)('writes a runnable module to a file, the same bytes to stdout, and reads IN.wasm from stdin', async () => {
    const out = join(dir, 'cli.wasm');
    const r = await runBin('vfs-embed', ['--mount', '/data', reader, out, `${text}:greeting`, text]);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const bytes = await readFile(out);
    const toStdout = await runBin('vfs-embed', ['--mount', '/data', reader, '-', `${text}:greeting`, text]);
    expect(toStdout.exitCode).toBe(0);
    expect(toStdout.stdout.equals(bytes)).toBe(true);
    const fromStdin = await runBin('vfs-embed', ['--mount', '/data', '-', '-', `${text}:greeting`, text], { inputFile: reader });
    expect(fromStdin.stdout.equals(bytes)).toBe(true);
    const run = await runWasi(out, ['all', '/data/greeting', 'all', '/data/text.txt']);
    const h = fnv1a64(Buffer.from('hello world\n'));
    expect(run.stdout.trim().split('\n')).toEqual([`all n=12 h=${h}`, `all n=12 h=${h}`]);
  }, 60_000);

  (haveReader ? it : it.skip)('records each file in the c2w.vfs custom section and keeps the name section', async () => {
    const out = join(dir, 'table.wasm');
    expect((await runBin('vfs-embed', [reader, out, text])).exitCode).toBe(0);
    const bytes = await readFile(out);
    const names = (b: Uint8Array) => readSections(b).filter((s) => s.id === 0).map((s) => { const p = b.subarray(s.payloadStart, s.end); return Buffer.from(p.subarray(1, 1 + p[0]!)).toString(); });
    expect(names(await readFile(reader))).toContain('name');
    expect(names(bytes)).toContain('name');
    const custom = readSections(bytes).filter((s) => s.id === 0).map((s) => bytes.subarray(s.payloadStart, s.end)).find((p) => p.subarray(1, 1 + p[0]!).toString() === 'c2w.vfs');
    expect(custom).toBeDefined();
    const table = decodeChunkTable(custom!.subarray(1 + custom![0]!));
    expect(table).toMatchObject({ mount: '/embed', files: [{ name: 'text.txt', size: 12, chunks: 1 }] });
    expect(table.files[0]!.segment).toBeGreaterThan(0); // after the program's own segments
  }, 60_000);

  it('writes a module over 1 GiB with --allow-large, warning that V8 refuses it', async () => {
    const out = join(dir, 'large.wasm');
    try {
      const r = await runBin('vfs-embed', ['--allow-large', await openingModule(), out, await sparse('large.bin', 2 ** 30)]);
      expect(r.stderr).toMatch(/^vfs-embed: warning: the output would be \d+ bytes, over V8's 1 GiB module limit/);
      expect(r.exitCode).toBe(0);
      expect((await stat(out)).size).toBeGreaterThan(2 ** 30);
    } finally {
      await rm(out, { force: true });
      await rm(join(dir, 'large.bin'), { force: true });
    }
  }, 120_000);

  const bad: Array<[string, () => Promise<string[]>, RegExp]> = [
    ['an input that is not wasm', async () => { await writeFile(join(dir, 'not.wasm'), 'hello'); return [join(dir, 'not.wasm'), '@OUT@', text]; }, /not a WebAssembly module/],
    ['a module that does not open files', async () => { await writeFile(join(dir, 'nofiles.wasm'), moduleImporting(['fd_write'])); return [join(dir, 'nofiles.wasm'), '@OUT@', text]; }, /does not import wasi_snapshot_preview1 fd_prestat_get, fd_prestat_dir_name, path_open, fd_read/],
    ['a missing file', async () => [await fileModule(), '@OUT@', join(dir, 'nope.bin')], /file .*nope\.bin does not exist/],
    ['a duplicate name', async () => [await fileModule(), '@OUT@', text, `${text}:text.txt`], /two files are both named "text.txt"/],
    ['a name with a slash', async () => [await fileModule(), '@OUT@', `${text}:a/b`], /bad file name "a\/b"/],
    // Sparse files: budgets are checked before a byte is written, so nothing is ever read.
    ['a module over V8\'s 1 GiB without --allow-large', async () => [await openingModule(), '@OUT@', await sparse('big.bin', 2 ** 30 + 1)], /over V8's 1 GiB module limit .*--allow-large/],
    ['data over 4 GiB even with --allow-large', async () => ['--allow-large', await openingModule(), '@OUT@', await sparse('huge.bin', 2 ** 32)], /data section would be \d+ bytes, expected at most 4294967295/],
    ['a module that already has embedded files', async () => {
      const once = join(dir, 'once.wasm');
      await runBin('vfs-embed', [await openingModule(), once, text]);
      return [once, '@OUT@', `${text}:other`];
    }, /already has embedded files \(a c2w.vfs section\)/],
    ['a missing IN.wasm', async () => [join(dir, 'absent.wasm'), '@OUT@', text], /IN.wasm .*absent.wasm does not exist/],
  ];
  it.each(bad)('refuses %s with exit 1, one line and no output', async (_what, make, message) => {
    const outDir = join(dir, `bad-${Math.random().toString(36).slice(2)}`);
    await mkdir(outDir);
    const args = (await make()).map((a) => (a === '@OUT@' ? join(outDir, 'out.wasm') : a));
    const r = await runBin('vfs-embed', args);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/^vfs-embed: /);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.exitCode).toBe(1);
    expect(await readdir(outDir)).toEqual([]);
  });

  it.each([
    ['no FILE', () => ['in.wasm', 'out.wasm'], /expected IN.wasm OUT.wasm FILE/],
    ['stdin as a FILE', () => [fileModulePath(), join(dir, 'x.wasm'), '-'], /cannot be stdin/],
    ['an unknown flag', () => ['--nope', 'a', 'b', 'c'], /Nonexistent flag/],
    ['a relative mount', () => ['--mount', 'data', fileModulePath(), join(dir, 'x.wasm'), 'f'], /invalid option: mount: an absolute guest path/],
    ['a mount with ..', () => ['--mount', '/a/../b', fileModulePath(), join(dir, 'x.wasm'), 'f'], /invalid option: mount: no \. or \.\. components/],
  ])('exits 2 on usage errors: %s', async (_what, args, message) => {
    const r = await runBin('vfs-embed', args());
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  async function sparse(name: string, size: number): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, '');
    await truncate(path, size);
    return path;
  }
  // The budget checks come after the shim is built, so they need a module that opens files.
  async function openingModule(): Promise<string> {
    const path = join(dir, 'opens-files.wasm');
    await writeFile(path, moduleImporting(['fd_prestat_get', 'fd_prestat_dir_name', 'path_open', 'fd_read']));
    return path;
  }
  function fileModulePath(): string {
    return join(dir, 'files.wasm');
  }
  async function fileModule(): Promise<string> {
    await writeFile(fileModulePath(), moduleImporting(['fd_write']));
    return fileModulePath();
  }
});
