import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readBundle, type LoadedBundle } from '../../src/run/read-bundle.js';
import { convertToWebDirectory, writeWebDirectory } from '../../src/serve/web-directory.js';

const d = (hex: string) => `sha256:${hex.repeat(64)}`;
const iso = Buffer.from(Array.from({ length: 250_000 }, (_, i) => (i * 13) & 0xff));
function bundleDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'c2w-webdir-'));
  const config = JSON.stringify({ architecture: 'riscv64', os: 'linux', config: { Cmd: ['sh'] }, rootfs: { type: 'layers', diff_ids: [] } });
  const parts: Record<string, Buffer> = { 'machine.wasm': Buffer.from('w'), 'fw_dynamic.bin': Buffer.from('f'), Image: Buffer.from('k'), 'root.iso': iso, 'image-config.json': Buffer.from(config) };
  for (const [n, c] of Object.entries(parts)) writeFileSync(join(dir, n), c);
  writeFileSync(join(dir, 'bundle.json'), JSON.stringify({
    schemaVersion: 1, mediaType: 'application/vnd.c2w.bundle.v1+json', machine: { wasm: 'machine.wasm', memory: '256M' },
    boot: { firmware: 'fw_dynamic.bin', kernel: 'Image', append: 'x', consoleGate: true, stdinPort: true }, disks: [{ file: 'root.iso', readonly: true }],
    image: { config: 'image-config.json', manifestDigest: d('a'), architecture: 'riscv64', os: 'linux', users: {}, groups: {} },
    channel: { format: 'tar', version: 1 }, runtimePack: d('b'),
    files: Object.fromEntries(Object.entries(parts).map(([n, c]) => [n, { digest: d('e'), size: c.length }])),
  }));
  return dir;
}

describe('writeWebDirectory', () => {
  let b: LoadedBundle;
  beforeAll(async () => { b = await readBundle(bundleDir()); });

  it('writes the page, its libraries, the boot files, the disk in chunks, plan.json and run-request.json', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'c2w-web-')), 'site');
    const plan = await writeWebDirectory(b, out, { chunkSize: 65536 });
    for (const f of ['index.html', 'page.js', 'worker.js', 'run-channel.js', 'vendor/xterm.mjs', 'vendor/xterm.css', 'vendor/wasi-shim/index.js', 'bundle/machine.wasm', 'bundle/Image', 'plan.json', 'run-request.json']) {
      expect([f, existsSync(join(out, f))]).toEqual([f, true]);
    }
    expect(readdirSync(join(out, 'bundle')).filter((n) => n.startsWith('root.iso')).sort()).toEqual(['root.iso.000', 'root.iso.001', 'root.iso.002', 'root.iso.003']);
    const joined = Buffer.concat(['000', '001', '002', '003'].map((n) => readFileSync(join(out, 'bundle', `root.iso.${n}`))));
    expect(joined.equals(iso)).toBe(true);
    const disk = plan.files.find((f) => f.guest.endsWith('/root.iso'))!;
    expect(disk).toMatchObject({ url: null, size: iso.length, chunks: { size: 65536, urls: ['000', '001', '002', '003'].map((n) => `bundle/root.iso.${n}?v=eeeeeeeeeeeeeeee`) } });
    expect(plan.files.at(-1)).toEqual({ guest: '/c2w/1/channel.tar', url: null, size: null, whole: true, request: 'run-request.json' });
    expect(JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(plan)));
    const request = JSON.parse(readFileSync(join(out, 'run-request.json'), 'utf8'));
    expect(request).toMatchObject({ cmd: ['sh'], entrypoint: [], hasCommand: true, manifest: { arch: 'riscv64', stdin: 'tty' } });
    expect(request.manifest.time).toBeUndefined();
  });

  it('refuses an existing output without force, before converting anything', async () => {
    const out = mkdtempSync(join(tmpdir(), 'c2w-web-exists-'));
    let converted = false;
    await expect(convertToWebDirectory(out, false, async () => { converted = true; })).rejects.toThrow(/already exists \(pass --force to replace it\)/);
    expect(converted).toBe(false);
  });

  it('leaves neither the output nor the temporary bundle when the conversion fails', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'c2w-web-fail-'));
    await expect(convertToWebDirectory(join(parent, 'site'), false, async (dir) => {
      writeFileSync(join(parent, 'marker'), dir);
      throw new Error('convert failed');
    })).rejects.toThrow('convert failed');
    expect(readdirSync(parent)).toEqual(['marker']);
  });
});
