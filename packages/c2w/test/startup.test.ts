import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBin } from '@c2w/testing';

/**
 * binaryen is ~15 MB of JS that takes half a second to load; only embedding and splitting need it,
 * so a c2w command that does neither must never load it (docs/decisions/0018, 0021). The check runs
 * the real bin with a resolve hook that records every module the process loads.
 */
const heavy = ['/node_modules/binaryen/'];
const hook = join(dirname(fileURLToPath(import.meta.url)), 'support', 'record-imports.mjs');

async function loadedBy(args: string[] | ((dir: string) => Promise<string[]>)): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'c2w-startup-'));
  const record = join(dir, 'imports.txt');
  try {
    const r = await runBin('c2w', Array.isArray(args) ? args : await args(dir), { env: { C2W_RECORD_IMPORTS: record, NODE_OPTIONS: `--import=${hook}` } });
    expect(r.exitCode).toBe(0);
    return (await readFile(record, 'utf8')).split('\n').filter(Boolean);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('c2w startup', () => {
  it.each([[['--version']], [['--help']], [['run', '--help']], [['convert', '--help']]])('c2w %j loads no binaryen', async (args) => {
    const loaded = await loadedBy(args);
    // the hook really recorded this process's modules: the bin's own command modules are there
    expect(loaded.some((url) => url.includes('/packages/c2w/'))).toBe(true);
    expect(loaded.filter((url) => heavy.some((h) => url.includes(h)))).toEqual([]);
  });
});

// A WASI command whose _start returns at once (exit status 0): the smallest out.wasm to run.
const EMPTY_WASM = Uint8Array.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00,
  0x05, 0x03, 0x01, 0x00, 0x01, 0x07, 0x13, 0x02, 0x06, ...Buffer.from('memory'), 0x02, 0x00,
  0x06, ...Buffer.from('_start'), 0x00, 0x00, 0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b,
]);

/** What each command may skip (docs/decisions/0051): oclif reads oclif.manifest.json instead of importing every command. */
describe('c2w startup loads only what the command needs', () => {
  const commandModules = (loaded: string[]) => loaded.filter((url) => url.includes('/packages/c2w/dist/commands/')).map((url) => url.slice(url.lastIndexOf('/') + 1));

  it.each([[['--version']], [['--help']], [['run', '--help']]])('c2w %j loads no command module (the manifest has their help)', async (args) => {
    expect(commandModules(await loadedBy(args))).toEqual([]);
  });

  it('c2w run out.wasm loads neither zod, execa, the tar streams nor the bundle form', async () => {
    const loaded = await loadedBy(async (dir) => {
      await writeFile(join(dir, 'out.wasm'), EMPTY_WASM);
      return ['run', join(dir, 'out.wasm')];
    });
    expect(loaded.some((url) => url.includes('/packages/machine/'))).toBe(true);
    const unwanted = ['/node_modules/zod/', '/node_modules/execa/', '/packages/streams/', '/packages/artifacts/', '/packages/usernet/', '/dist/run/run-bundle-dir.js'];
    expect(loaded.filter((url) => unwanted.some((u) => url.includes(u)))).toEqual([]);
  });
});
