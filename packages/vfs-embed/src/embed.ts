import binaryen from 'binaryen';
import { InputError } from '@c2w/errors';
import { decodeU32, encodeU32 } from '@c2w/streams';
import { checkBudget } from './budgets.js';
import { CHUNK_TABLE_SECTION, encodeChunkTable } from './chunk-table.js';
import { chunkSegmentsBytes, writeFileSegments, type OpenFile, type Sink } from './data-writer.js';
import { layoutFiles, type EmbeddedFile } from './layout.js';
import { assertUniqueNames, checkFileName, normalizeMount } from './names.js';
import { injectShim } from './shim/inject.js';
import { readDataSegments, readSections, SECTION_DATA, type Section } from './wasm-sections.js';

export interface EmbedSource { name: string; path: string; size: number; open: OpenFile }
export interface EmbedOptions {
  /** Guest directory the files appear in. */
  mount: string;
  /** Write modules over V8's 1 GiB limit (with a note) instead of failing. */
  allowLarge: boolean;
  /** How the input module is named in messages. */
  what?: string;
}
export interface EmbedResult { bytes: number; segments: number; files: EmbeddedFile[]; notes: string[] }

/**
 * Embeds `sources` into the WASI module `wasm` and writes the result to `sink`. Only the module's
 * code goes through binaryen (with one empty passive segment per chunk); the data section is then
 * rewritten while streaming, the placeholders replaced by the files' chunks. Everything that can
 * fail on the inputs is checked before the first byte is written.
 */
export async function embedFiles(wasm: Uint8Array, sources: readonly EmbedSource[], sink: Sink, options: EmbedOptions): Promise<EmbedResult> {
  const what = options.what ?? 'the input module';
  const mount = normalizeMount(options.mount);
  for (const s of sources) checkFileName(s.name, s.path);
  assertUniqueNames(sources.map((s) => s.name));
  const { files, chunkSizes } = layoutFiles(sources);

  const code = shimmedModule(wasm, files, chunkSizes.length, Buffer.from(mount, 'utf8'), what);
  const sections = readSections(code);
  const data = sections.find((s) => s.id === SECTION_DATA);
  if (!data) throw new Error('binaryen wrote no data section (a bug in vfs-embed)');
  const { countEnd, segments } = readDataSegments(code, data);
  const kept = segments.slice(0, segments.length - chunkSizes.length);
  const placeholders = segments.slice(kept.length);
  if (placeholders.length !== chunkSizes.length || placeholders.some((p) => !p.passive || p.dataLength !== 0)) {
    throw new Error('binaryen reordered the placeholder segments (a bug in vfs-embed)');
  }

  const keptEnd = kept.at(-1)?.end ?? countEnd;
  const payloadBytes = (countEnd - data.payloadStart) + (keptEnd - countEnd) + chunkSegmentsBytes(chunkSizes);
  const table = customSection(CHUNK_TABLE_SECTION, encodeChunkTable(mount, files, kept.length));
  const dataHeader = Buffer.concat([Buffer.from([SECTION_DATA]), encodeU32Checked(payloadBytes)]);
  const moduleBytes = data.start + dataHeader.length + payloadBytes + (code.length - data.end) + table.length;
  const notes = checkBudget({ segments: segments.length, dataSectionBytes: payloadBytes, moduleBytes }, options.allowLarge);

  await sink.write(code.subarray(0, data.start));
  await sink.write(dataHeader);
  await sink.write(code.subarray(data.payloadStart, keptEnd));
  for (let i = 0; i < files.length; i++) await writeFileSegments(sink, files[i]!, sources[i]!.open);
  await sink.write(code.subarray(data.end));
  await sink.write(table);
  return { bytes: moduleBytes, segments: segments.length, files, notes };
}

function shimmedModule(wasm: Uint8Array, files: readonly EmbeddedFile[], chunkCount: number, mount: Buffer, what: string): Uint8Array {
  let sections: Section[];
  try {
    sections = readSections(wasm);
  } catch (err) {
    throw new InputError(`${what} is not a WebAssembly module: ${(err as Error).message}`, { cause: err });
  }
  if (sections.length === 0) throw new InputError(`${what} is an empty WebAssembly module: expected a WASI preview1 program`);
  if (sections.some((s) => s.id === 0 && customSectionName(wasm, s) === CHUNK_TABLE_SECTION)) {
    throw new InputError(`${what} already has embedded files (a ${CHUNK_TABLE_SECTION} section): embed every file in one run, from the module without them`);
  }
  // With debug info on, binaryen keeps the name section (function names in stack traces) and
  // DWARF; off, it drops the names. The flag is binaryen-global, so it is restored after.
  const debugInfo = binaryen.getDebugInfo();
  binaryen.setDebugInfo(true);
  try {
    const m = parseModule(wasm, what);
    try {
      injectShim(m, files, chunkCount, mount, what);
      return m.emitBinary();
    } finally {
      m.dispose();
    }
  } finally {
    binaryen.setDebugInfo(debugInfo);
  }
}

// binaryen takes the features from a target_features section; a module without one that uses, say,
// SIMD is read again with every feature on (re-emitted, MVP constructs keep their encoding).
function parseModule(wasm: Uint8Array, what: string): binaryen.Module {
  try {
    return binaryen.readBinary(wasm);
  } catch {
    try {
      // binaryen.js 132 takes the features as readBinary's second argument (index.d.ts lags).
      return (binaryen.readBinary as (data: Uint8Array, features?: binaryen.Features) => binaryen.Module)(wasm, binaryen.Features.All);
    } catch (err) {
      throw new InputError(`${what} is not a valid WebAssembly module: ${(err as Error).message}`, { cause: err });
    }
  }
}

function customSectionName(wasm: Uint8Array, section: Section): string {
  const length = decodeU32(wasm, section.payloadStart);
  return Buffer.from(wasm.subarray(length.next, Math.min(length.next + length.value, section.end))).toString('utf8');
}

function customSection(name: string, payload: Buffer): Buffer {
  const nameBytes = Buffer.from(name, 'utf8');
  const body = Buffer.concat([encodeU32(nameBytes.length), nameBytes, payload]);
  return Buffer.concat([Buffer.from([0]), encodeU32(body.length), body]);
}

// A size over 4 GiB cannot be encoded; checkBudget, which runs next, refuses it with a clear message.
function encodeU32Checked(n: number): Buffer {
  return encodeU32(Math.min(n, 0xffffffff));
}
