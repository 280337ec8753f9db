import { mkdtemp, readFile, rm } from 'node:fs/promises';
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

async function loadedBy(args: string[]): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'c2w-startup-'));
  const record = join(dir, 'imports.txt');
  try {
    const r = await runBin('c2w', args, { env: { C2W_RECORD_IMPORTS: record, NODE_OPTIONS: `--import=${hook}` } });
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
