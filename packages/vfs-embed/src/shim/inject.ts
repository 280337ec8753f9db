import binaryen from 'binaryen';
import { InputError } from '@c2w/errors';
import type { EmbeddedFile } from '../layout.js';
import { addFileIo } from './file-io.js';
import { buildGuard, buildHandler } from './handlers.js';
import { addLookup } from './lookup.js';
import { addPassiveSegment } from './passive-segment.js';
import { N } from './names.js';
import { GUARDED, REQUIRED, SERVED } from './signatures.js';
import { addFileTable, addState } from './state.js';

const WASI = 'wasi_snapshot_preview1';

interface WasiImport { name: string; base: string; params: binaryen.Type[]; results: binaryen.Type }

/**
 * Rewrites `m` in place: each wasi_snapshot_preview1 import that touches fds becomes a function of
 * the same internal name (so every call site, table entry and export now reaches the shim), and the
 * real import is re-added as vfs$real$<name>. Adds one empty passive segment per chunk; the caller
 * replaces their bytes while streaming the data section.
 */
export function injectShim(m: binaryen.Module, files: readonly EmbeddedFile[], chunkCount: number, mount: Buffer, what: string): void {
  const imports = wasiImports(m);
  const bases = new Set(imports.map((i) => i.base));
  const missing: string[] = REQUIRED.filter((r) => !bases.has(r));
  if (!bases.has('fd_read') && !bases.has('fd_pread')) missing.push('fd_read');
  if (missing.length > 0) throw new InputError(`${what} does not import ${WASI} ${missing.join(', ')}: expected a WASI preview1 module that opens and reads files`);
  if (!m.hasMemory()) throw new InputError(`${what} has no linear memory: expected a WASI preview1 module`);
  if (m.getMemoryInfo().is64) throw new InputError(`${what} uses a 64-bit memory: expected wasm32`);
  for (const imp of imports) {
    const want = SERVED[imp.base];
    if (want && (want.length !== imp.params.length || want.some((t, i) => t !== imp.params[i]) || imp.results !== binaryen.i32)) {
      throw new InputError(`${what} imports ${WASI} ${imp.base} with an unexpected signature: expected the preview1 one`);
    }
  }

  m.setFeatures(m.getFeatures() | binaryen.Features.BulkMemory | binaryen.Features.BulkMemoryOpt);
  for (const imp of imports) {
    m.removeFunction(imp.name);
    m.addFunctionImport(N.real(imp.name), WASI, imp.base, binaryen.createType(imp.params), imp.results);
  }
  for (let c = 0; c < chunkCount; c++) addPassiveSegment(m, N.segment(c));
  addState(m);
  addFileTable(m, files, chunkCount);
  addLookup(m, files);
  addFileIo(m);
  const byBase = new Map(imports.map((i) => [i.base, i.name] as const));
  const ctx = { m, mount, real: (base: string) => byBase.get(base) };
  for (const imp of imports) {
    const guard = GUARDED[imp.base];
    if (guard) buildGuard(ctx, imp.name, imp.params, guard.fds, guard.errno);
    else buildHandler(ctx, imp.base, imp.name, imp.params);
  }
  if (!m.validate()) throw new Error('the module with the vfs shim does not validate (a bug in vfs-embed)');
}

function wasiImports(m: binaryen.Module): WasiImport[] {
  const out: WasiImport[] = [];
  for (let i = 0; i < m.getNumFunctions(); i++) {
    const info = binaryen.getFunctionInfo(m.getFunctionByIndex(i));
    if (info.module !== WASI || !info.base || !(info.base in SERVED || info.base in GUARDED)) continue;
    out.push({ name: info.name, base: info.base, params: [...binaryen.expandType(info.params)], results: info.results });
  }
  return out;
}
