import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '@c2w/errors';
import { createAtomicFile, readFileChunks } from '@c2w/streams';
import { bootFiles, readBundle } from '../run/read-bundle.js';
import { EMBED_MOUNT, singleFileParts } from './single-file-parts.js';
import { snapshotMachine } from './single-file-snapshot.js';

/** V8 (Node, Chrome) refuses to compile a module over 1 GiB; Bun's JavaScriptCore is not more generous. */
export const MAX_SINGLE_FILE_BYTES = 2 ** 30;
/** Room for the shim, the chunk table and segment headers on top of the machine and the files. */
const EMBED_OVERHEAD_BYTES = 1 << 20;

/** Fails before anything is written when the module would pass the host limit (a one-line error). */
export function checkSingleFileBudget(out: string, bytes: number, limit = MAX_SINGLE_FILE_BYTES): void {
  if (bytes + EMBED_OVERHEAD_BYTES <= limit) return;
  const mib = (n: number) => `${(n / 1048576).toFixed(0)} MiB`;
  throw new InputError(`${out} would be about ${mib(bytes + EMBED_OVERHEAD_BYTES)}, over the ${mib(limit)} module limit of V8 (Node, Chrome): convert to a split set (c2w convert --format wasm-split IMAGE DIR) or a bundle directory (c2w convert IMAGE DIR) instead, or slim the image (--slim)`);
}

export interface SingleFileResult { bytes: number; files: number; snapshot: boolean }
/** true or 'auto' (the default of one .wasm): pre-booted, on either machine (riscv64, x86_64); false: cold. */
export type SnapshotChoice = boolean | 'auto';
export interface SingleFileOptions {
  /** Over V8's (Infinity) for wasm-split's input, which no engine compiles whole. */
  limit?: number;
  /** Boot the machine at conversion and embed wizer's snapshot of it (single-file-snapshot.ts). */
  snapshot?: SnapshotChoice;
  progress?: (message: string) => void;
}

/**
 * A bundle directory -> one WASI preview1 module: machine.wasm with the firmware, the kernel, the
 * disks and the small run-request files embedded by vfs-embed under /embed (pre-booted: without
 * the firmware and kernel, which only the boot at conversion read). Data is streamed from
 * the bundle into the output (never held whole); the output appears only when complete.
 */
export async function writeSingleFile(bundleDir: string, out: string, o: SingleFileOptions = {}): Promise<SingleFileResult> {
  const limit = o.limit ?? MAX_SINGLE_FILE_BYTES;
  const b = await readBundle(bundleDir);
  const parts = join(bundleDir, '.single-file');
  await mkdir(parts, { recursive: true });
  const files: Array<{ name: string; path: string }> = [];
  for (const [name, text] of singleFileParts(b)) {
    await writeFile(join(parts, name), text);
    files.push({ name, path: join(parts, name) });
  }
  // both machines pause at the init's wait (ADR 0041, 0049); 'auto' is on for one .wasm
  const snapshot = o.snapshot === true || o.snapshot === 'auto';
  // a pre-booted module never reads its firmware and kernel again (wizer read them from the bundle)
  for (const name of [...(snapshot ? [] : bootFiles(b.bundle)), ...b.bundle.disks.map((d) => d.file)]) files.push({ name, path: b.path(name) });

  const progress = o.progress ?? (() => undefined);
  let machinePath = b.path(b.bundle.machine.wasm);
  if (snapshot) {
    progress(`${out}: booting the machine to snapshot it (wizer)`);
    const booted = join(parts, 'machine-booted.wasm');
    await snapshotMachine(machinePath, bundleDir, booted);
    machinePath = booted;
  }
  const sources = [];
  let total = (await stat(machinePath)).size;
  for (const f of files) {
    const size = (await stat(f.path)).size;
    total += size;
    sources.push({ ...f, size, open: () => readFileChunks(f.path) });
  }
  checkSingleFileBudget(out, total, limit);

  // binaryen (tens of MB) loads only when a single file is written
  const { embedFiles, fileSink } = await import('@c2w/vfs-embed');
  progress(`${out}: embedding machine.wasm, ${snapshot ? 'the run-request parts' : 'firmware, kernel'} and the root disk (vfs-embed)`);
  const wasm = await readFile(machinePath);
  const output = await createAtomicFile(out, 'output');
  try {
    const result = await embedFiles(wasm, sources, fileSink(output.handle), { mount: EMBED_MOUNT, allowLarge: limit > MAX_SINGLE_FILE_BYTES, what: 'machine.wasm' });
    await output.commit();
    return { bytes: result.bytes, files: sources.length, snapshot };
  } catch (err) {
    await output.abort();
    throw err;
  }
}
