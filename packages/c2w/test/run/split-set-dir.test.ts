import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MANIFEST_FILE as WASM_SPLIT_MANIFEST_FILE } from '@c2w/wasm-split/loader';
import { MANIFEST_FILE, splitSetDir } from '../../src/run/split-set-dir.js';

describe('splitSetDir', () => {
  it('looks for the file wasm-split writes', () => {
    expect(MANIFEST_FILE).toBe(WASM_SPLIT_MANIFEST_FILE);
  });

  const root = mkdtempSync(join(tmpdir(), 'c2w-split-dir-'));
  const set = join(root, 'set');
  mkdirSync(set);
  writeFileSync(join(set, 'split.json'), '{}');
  const bundle = join(root, 'bundle');
  mkdirSync(bundle);
  writeFileSync(join(root, 'out.wasm'), 'x');

  it('takes a directory holding split.json, or that file', async () => {
    expect(await splitSetDir(set)).toBe(set);
    expect(await splitSetDir(join(set, 'split.json'))).toBe(set);
  });

  it('leaves bundles, single files and missing paths to the other forms', async () => {
    expect(await splitSetDir(bundle)).toBeUndefined();
    expect(await splitSetDir(join(root, 'out.wasm'))).toBeUndefined();
    expect(await splitSetDir(join(root, 'missing'))).toBeUndefined();
    expect(await splitSetDir(join(bundle, 'split.json'))).toBeUndefined();
  });
});
