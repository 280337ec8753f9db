import { mkdtempSync, readdirSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '@c2w/errors';
import { MAX_SINGLE_FILE_BYTES, checkSingleFileBudget, writeSingleFile } from '../../src/convert/single-file.js';

describe('checkSingleFileBudget', () => {
  it('fails over V8\'s 1 GiB in one line that names the limit, the split set and the bundle form', () => {
    let err: unknown;
    try {
      checkSingleFileBudget('big.wasm', MAX_SINGLE_FILE_BYTES);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    const message = (err as Error).message;
    expect(message.split('\n')).toHaveLength(1);
    expect(message).toMatch(/^big\.wasm would be about 1025 MiB, over the 1024 MiB module limit of V8/);
    expect(message).toContain('c2w convert IMAGE DIR');
    expect(message).toContain('c2w convert --format wasm-split IMAGE DIR');
  });

  it('lets a module that fits through, and takes another limit', () => {
    expect(() => checkSingleFileBudget('ok.wasm', 100 << 20)).not.toThrow();
    expect(() => checkSingleFileBudget('ok.wasm', 100 << 20, 64 << 20)).toThrow(/over the 64 MiB module limit/);
  });
});

/** A bundle directory with placeholder files (a 4 MiB root disk), for the checks made before embedding. */
function fakeBundle(arch: 'riscv64' | 'x86_64' = 'riscv64'): string {
  const dir = mkdtempSync(join(tmpdir(), 'c2w-single-budget-'));
  const names = ['machine.wasm', 'fw_dynamic.bin', 'Image', 'root.iso', 'image-config.json'];
  const config = JSON.stringify({ architecture: 'riscv64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } });
  for (const n of names) writeFileSync(join(dir, n), n === 'image-config.json' ? config : 'x');
  truncateSync(join(dir, 'root.iso'), 4 << 20);
  const d = `sha256:${'a'.repeat(64)}`;
  const sizes: Record<string, number> = { 'root.iso': 4 << 20, 'image-config.json': config.length };
  writeFileSync(join(dir, 'bundle.json'), JSON.stringify({
    schemaVersion: 1, mediaType: 'application/vnd.c2w.bundle.v1+json', machine: { wasm: 'machine.wasm', memory: '256M', ...(arch === 'riscv64' ? {} : { arch }) },
    boot: { firmware: 'fw_dynamic.bin', kernel: 'Image', append: '' }, disks: [{ file: 'root.iso', readonly: true }],
    image: { config: 'image-config.json', manifestDigest: d, architecture: 'riscv64', os: 'linux', users: {}, groups: {} },
    channel: { format: 'tar', version: 1 }, runtimePack: d,
    files: Object.fromEntries(names.map((n) => [n, { digest: d, size: sizes[n] ?? 1 }])),
  }));
  return dir;
}

describe('writeSingleFile', () => {
  it('fails over the limit before writing anything', async () => {
    const dir = fakeBundle();
    const outDir = mkdtempSync(join(tmpdir(), 'c2w-single-out-'));
    await expect(writeSingleFile(dir, join(outDir, 'out.wasm'), { limit: 4 << 20 })).rejects.toThrow(/over the 4 MiB module limit of V8/);
    expect(readdirSync(outDir)).toEqual([]);
  });

  // ADR 0049: both machines pause at the init's wait, so an x86_64 image is pre-booted by default too
  it('boots an x86_64 machine for the snapshot under the default (auto), and writes nothing when that fails', async () => {
    const dir = fakeBundle('x86_64');
    const outDir = mkdtempSync(join(tmpdir(), 'c2w-single-out-'));
    const notes: string[] = [];
    // the placeholder machine.wasm is no module: wizer refuses it, in one line that names --no-snapshot
    await expect(writeSingleFile(dir, join(outDir, 'out.wasm'), { snapshot: 'auto', progress: (m) => notes.push(m) })).rejects.toThrow(/wizer failed .*--no-snapshot/);
    expect(notes.join('\n')).toMatch(/booting the machine to snapshot it/);
    expect(readdirSync(outDir)).toEqual([]);
  });
});
