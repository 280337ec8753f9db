import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBin } from '@c2w/testing';
import { readBundle } from '../../src/run/read-bundle.js';

const d = (hex: string) => `sha256:${hex.repeat(64)}`;
function bundleDir(bundle: unknown, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'c2w-bundle-'));
  writeFileSync(join(dir, 'bundle.json'), typeof bundle === 'string' ? bundle : JSON.stringify(bundle));
  for (const [n, c] of Object.entries(files)) writeFileSync(join(dir, n), c);
  return dir;
}
const names = ['machine.wasm', 'fw_dynamic.bin', 'Image', 'root.iso', 'image-config.json'];
const valid = {
  schemaVersion: 1, mediaType: 'application/vnd.c2w.bundle.v1+json',
  machine: { wasm: 'machine.wasm', memory: '256M' },
  boot: { firmware: 'fw_dynamic.bin', kernel: 'Image', append: 'console=ttyS0' },
  disks: [{ file: 'root.iso', readonly: true }],
  image: { config: 'image-config.json', manifestDigest: d('a'), architecture: 'riscv64', os: 'linux', users: {}, groups: {} },
  channel: { format: 'tar', version: 1 }, runtimePack: d('b'),
  files: Object.fromEntries(names.map((n) => [n, { digest: d('c'), size: n === 'image-config.json' ? 80 : 1 }])),
};
const config = JSON.stringify({ architecture: 'riscv64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }).padEnd(80);
const parts = Object.fromEntries(names.map((n) => [n, n === 'image-config.json' ? config : 'x']));

describe('readBundle', () => {
  it('reads a complete bundle', async () => {
    const b = await readBundle(bundleDir(valid, parts));
    expect(b.imageConfig.architecture).toBe('riscv64');
  });
  it('reads a bundle of an older pack as one without the stdin port or the console gate', async () => {
    const b = await readBundle(bundleDir(valid, parts));
    expect(b.bundle.boot).toMatchObject({ consoleGate: false, stdinPort: false });
    const newer = await readBundle(bundleDir({ ...valid, boot: { ...valid.boot, consoleGate: true, stdinPort: true } }, parts));
    expect(newer.bundle.boot).toMatchObject({ consoleGate: true, stdinPort: true });
  });
  it('says when a directory is not a bundle', async () => {
    await expect(readBundle(mkdtempSync(join(tmpdir(), 'c2w-empty-')))).rejects.toThrow(/is not a c2w bundle/);
  });
  it('names an invalid field', async () => {
    await expect(readBundle(bundleDir({ ...valid, disks: [] }, parts))).rejects.toThrow(/bundle.json is invalid: disks/);
  });
  it('refuses part names that leave the bundle', async () => {
    await expect(readBundle(bundleDir({ ...valid, machine: { wasm: '../x.wasm', memory: '256M' } }, parts))).rejects.toThrow(/machine.wasm|plain file name/);
  });
  it('notices a missing or truncated part', async () => {
    const { 'root.iso': _gone, ...rest } = parts;
    await expect(readBundle(bundleDir(valid, rest))).rejects.toThrow(/root.iso is missing/);
    await expect(readBundle(bundleDir(valid, { ...parts, Image: '' }))).rejects.toThrow(/Image is 0 bytes, expected 1/);
  });
});

/** A broken image config through the real bin: exit 1, one line naming the file and the first problem. */
describe('c2w run on a bundle with a broken image-config.json', () => {
  function bundleWithConfig(text: string): string {
    const files = { ...parts, 'image-config.json': text };
    const sizes = Object.fromEntries(names.map((n) => [n, { digest: d('c'), size: Buffer.byteLength(files[n] as string) }]));
    return bundleDir({ ...valid, files: sizes }, files);
  }

  it.each([
    ['not JSON', '{"architecture": "riscv64",', /^c2w run: \S+\/image-config\.json is not JSON: [^\n]+$/],
    ['not a config', JSON.stringify({ architecture: 'riscv64', os: 'linux', rootfs: { type: 'layers', diff_ids: 'none' } }), /^c2w run: \S+\/image-config\.json is not a valid image config: rootfs\.diff_ids: [^\n]+$/],
  ])('%s', async (_what, text, message) => {
    const dir = bundleWithConfig(text);
    const r = await runBin('c2w', ['run', dir]);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain(join(dir, 'image-config.json'));
    expect(r.exitCode).toBe(1);
    expect(r.stdout.length).toBe(0);
  });
});
