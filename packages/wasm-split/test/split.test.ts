import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBin } from '@c2w/testing';
import { SplitManifest } from '../src/manifest.js';
import { embeddedReader, fnv1a64, readerAvailable, tempDir, writePatternFile } from './support/fixtures.js';

const RUNNER = fileURLToPath(new URL('./support/wasi-runner.mjs', import.meta.url));
const BROWSER_SHIM = fileURLToPath(new URL('./support/browser-shim-runner.mjs', import.meta.url));
const NODE_LOADER = fileURLToPath(new URL('./support/node-loader-runner.mjs', import.meta.url));
const MAIN_ALONE = fileURLToPath(new URL('./support/main-alone.mjs', import.meta.url));
const MIB = 2 ** 20;

function node(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--no-warnings', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('wasm-split (CLI) on vfs-embed output', () => {
  let dir: string;
  let embedded: string;
  const files: Buffer[] = [];
  beforeAll(async () => {
    dir = await tempDir();
    if (!readerAvailable()) return;
    // Three files of 1.5 MiB and a small one: with 2 MiB side modules, each big file gets its own.
    const paths: string[] = [];
    for (const [i, size] of [1.5 * MIB, 1.5 * MIB + 7, 1.5 * MIB - 3, 1000].entries()) {
      const path = join(dir, `f${i}.bin`);
      files.push(await writePatternFile(path, size, 0x9e3779b9 * (i + 1)));
      paths.push(path);
    }
    embedded = embeddedReader(dir, paths);
  }, 120_000);
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  it('writes main.wasm, side modules within the limit and a manifest with their sizes and sha256', async () => {
    if (!readerAvailable()) return;
    const out = join(dir, 'split');
    const r = await runBin('wasm-split', ['--max-module-size', '2', embedded, out]);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const manifest = SplitManifest.parse(JSON.parse(await readFile(join(out, 'split.json'), 'utf8')));
    expect(manifest.data.map((d) => d.file)).toEqual(['data-0.wasm', 'data-1.wasm', 'data-2.wasm']);
    expect(manifest.data.reduce((n, d) => n + d.segments, 0)).toBe(files.length);
    expect((await readdir(out)).sort()).toEqual(['data-0.wasm', 'data-1.wasm', 'data-2.wasm', 'main.wasm', 'split.json']);
    for (const m of [manifest.main, ...manifest.data]) {
      const bytes = await readFile(join(out, m.file));
      expect({ file: m.file, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') }).toEqual({ file: m.file, size: m.size, sha256: m.sha256 });
      expect(WebAssembly.validate(bytes)).toBe(true);
    }
    for (const d of manifest.data) expect(d.size).toBeLessThanOrEqual(2 * MIB);
    // main keeps the input's c2w.vfs table and its function names
    const [input, main] = [await WebAssembly.compile(await readFile(embedded)), await WebAssembly.compile(await readFile(join(out, 'main.wasm')))];
    expect(WebAssembly.Module.customSections(main, 'c2w.vfs')).toEqual(WebAssembly.Module.customSections(input, 'c2w.vfs'));
    expect(WebAssembly.Module.customSections(main, 'c2w.vfs')).toHaveLength(1);
    expect(Buffer.from(WebAssembly.Module.customSections(main, 'name')[0]!).includes('__main_void')).toBe(true);
    expect(manifest.main.size).toBeLessThan(MIB);
    expect((await stat(embedded)).size).toBeGreaterThan(4 * MIB);
  });

  it('the loaders run it under node:wasi (eager, and the Node loader reading segments from the files) and under browser_wasi_shim with ArrayBuffers: reads at random offsets give the original bytes', async () => {
    if (!readerAvailable()) return;
    const out = join(dir, 'run');
    expect((await runBin('wasm-split', ['--max-module-size', '2', embedded, out])).exitCode).toBe(0);
    let seed = 12345;
    const random = (n: number) => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed % n; };
    const args: string[] = [];
    const expected: string[] = [];
    for (let i = 0; i < 24; i++) {
      const f = i % files.length;
      const bytes = files[f]!;
      const offset = random(bytes.length);
      const length = 1 + random(300_000);
      const got = bytes.subarray(offset, offset + length);
      args.push('pread', `/embed/f${f}.bin`, String(offset), String(length));
      expected.push(`pread ${offset} ${length} n=${got.length} h=${fnv1a64(got)}`);
    }
    args.push('all', '/embed/f1.bin');
    expected.push(`all n=${files[1]!.length} h=${fnv1a64(files[1]!)}`);
    for (const runner of [RUNNER, NODE_LOADER, BROWSER_SHIM]) {
      const r = await node([runner, out, ...args]);
      expect(r.stderr).toBe('');
      expect(r.stdout.trim().split('\n')).toEqual(expected);
      expect(r.status).toBe(0);
    }
  }, 60_000);

  it('the Node loader refuses a side module that is not the one split.json names, in one line', async () => {
    if (!readerAvailable()) return;
    const out = join(dir, 'swapped');
    expect((await runBin('wasm-split', ['--max-module-size', '2', embedded, out])).exitCode).toBe(0);
    const side = join(out, 'data-1.wasm');
    await writeFile(side, Buffer.concat([await readFile(side), Buffer.from([0])]));
    const r = await node([NODE_LOADER, out, 'all', '/embed/f1.bin']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`${side}: ${(await stat(side)).size} bytes, expected ${(await stat(side)).size - 1} (split.json)`);
  });

  it('main.wasm alone fails to link, naming the split memory import', async () => {
    if (!readerAvailable()) return;
    const out = join(dir, 'alone');
    expect((await runBin('wasm-split', ['--max-module-size', '2', embedded, out])).exitCode).toBe(0);
    const r = await node([MAIN_ALONE, join(out, 'main.wasm')]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/Import #0 module="c2w_split" error: module is not an object or function/);
  });

  it('is deterministic: two runs give the same bytes', async () => {
    if (!readerAvailable()) return;
    const [a, b] = [join(dir, 'det-a'), join(dir, 'det-b')];
    for (const o of [a, b]) expect((await runBin('wasm-split', ['--max-module-size', '3', embedded, o])).exitCode).toBe(0);
    for (const f of await readdir(a)) expect((await readFile(join(a, f))).equals(await readFile(join(b, f)))).toBe(true);
  });

  it('fails with one line and no output when a segment does not fit, or the size is out of range', async () => {
    if (!readerAvailable()) return;
    const out = join(dir, 'too-small');
    const r = await runBin('wasm-split', ['--max-module-size', '1', embedded, out]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^wasm-split: data segment \d+ is \d+ bytes: a side module holding it would be \d+ bytes, over --max-module-size 1 MiB$/);
    await expect(stat(out)).rejects.toThrow();
    for (const bad of ['0', '1025', '1.5', 'x']) {
      const u = await runBin('wasm-split', ['--max-module-size', bad, embedded, out]);
      expect(u.exitCode).toBe(2);
      expect(u.stderr).toBe(`wasm-split: --max-module-size ${bad} is out of range, expected an integer number of MiB from 1 to 1024`);
    }
    const exists = await runBin('wasm-split', [embedded, dir]);
    expect(exists.exitCode).toBe(3);
    expect(exists.stderr).toBe(`wasm-split: OUTDIR ${dir} exists, expected a path to create (remove it first)`);
    const notWasm = join(dir, 'not.wasm');
    await writeFile(notWasm, 'hello');
    const bad = await runBin('wasm-split', [notWasm, out]);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toBe(`wasm-split: ${notWasm}: bad magic or version, expected a WebAssembly 1.0 module`);
    // Sections well formed, code invalid (a function section promising a body that is not there).
    const invalid = join(dir, 'invalid.wasm');
    await writeFile(invalid, Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 3, 2, 1, 0, 5, 3, 1, 0, 1, 12, 1, 1, 11, 3, 1, 1, 0]));
    const inv = await runBin('wasm-split', [invalid, out]);
    expect(inv.exitCode).toBe(1);
    expect(inv.stderr).toBe(`wasm-split: ${invalid}: does not validate as a WebAssembly module (its code, types or sections are invalid)`);
    const plain = join(dir, 'plain.wasm');
    await writeFile(plain, Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 5, 3, 1, 0, 1]));
    const none = await runBin('wasm-split', [plain, out]);
    expect(none.exitCode).toBe(1);
    expect(none.stderr).toMatch(/has no passive data segments/);
    await expect(stat(out)).rejects.toThrow();
    const missing = await runBin('wasm-split', [embedded]);
    expect(missing.exitCode).toBe(2);
    await expect(stat(out)).rejects.toThrow();
  });
});
