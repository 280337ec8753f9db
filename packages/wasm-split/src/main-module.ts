import binaryen from 'binaryen';
import { InputError } from '@c2w/errors';
import { MEMORY_IMPORT } from './data-module.js';

export const DATA_IMPORT_MODULE = 'c2w_data';
export const dataImportName = (k: number): string => `init_${k}`;

/** Where each moved segment went: side module `module`, its segment `local` there. */
export interface MovedSegment { module: number; local: number }
export interface MainModule { bytes: Uint8Array; memory: { initial: number; maximum?: number } }

/**
 * main.wasm: the light module with its memory imported (`c2w`.`memory`, still exported as before)
 * and each `memory.init` of a moved segment turned into a call of the side module's `init` import.
 * Done on binaryen's text form: segment names and the memory line are printed one per line, and
 * `(memory.init $seg` is a prefix that a call with the segment number as first operand replaces.
 */
export function rewriteMain(light: Uint8Array, moved: ReadonlyMap<number, MovedSegment>, sideCount: number, what: string): MainModule {
  const source = (binaryen.readBinary as (data: Uint8Array, features?: binaryen.Features) => binaryen.Module)(light, binaryen.Features.All);
  let text: string;
  let features: binaryen.Features;
  try {
    // What the input uses, not Features.All: that would let binaryen pick newer encodings (of imports, say) that engines reject.
    features = binaryen.Features.All & ~(binaryen.Features as unknown as { CompactImports: number }).CompactImports;
    text = source.emitText();
  } finally {
    source.dispose();
  }
  const lines = text.split('\n');
  const names = lines.map((l) => /^ \(data (\$\S+)/.exec(l)?.[1]).filter((n): n is string => n !== undefined);
  const target = new Map<string, MovedSegment>();
  for (const [index, to] of moved) {
    const n = names[index];
    if (n === undefined) throw new Error(`data segment ${index} is not in binaryen's text (a bug in wasm-split)`);
    target.set(n, to);
  }
  const memoryLines = lines.map((l, i) => [l, i] as const).filter(([l]) => /^ \(memory /.test(l));
  if (memoryLines.length !== 1) throw new InputError(`${what}: has ${memoryLines.length} memories defined, expected exactly one (imported memories are not supported)`);
  const [memoryLine, memoryAt] = memoryLines[0]!;
  const limits = /^ \(memory (\$\S+) (\d+)(?: (\d+))?\)$/.exec(memoryLine);
  if (!limits) throw new InputError(`${what}: its memory is not a plain 32-bit unshared one (${memoryLine.trim()})`);
  const memory = { initial: Number(limits[2]), ...(limits[3] === undefined ? {} : { maximum: Number(limits[3]) }) };

  let left = 0;
  const out = lines.map((line) => line.replace(/\(memory\.init (\$\S+)$/, (all, seg: string) => {
    const to = target.get(seg);
    if (!to) return all;
    return `(call $c2w_data$${to.module} (i32.const ${to.local})`;
  }));
  for (const line of out) if (/\(memory\.init (\$\S+)/.exec(line) && target.has(/\(memory\.init (\$\S+)/.exec(line)![1]!)) left++;
  if (left > 0) throw new Error(`${left} memory.init of moved segments were not rewritten (a bug in wasm-split)`);
  out.splice(memoryAt, 1);
  const imports = [importLine(MEMORY_IMPORT.module, MEMORY_IMPORT.name, `(memory ${limits[1]} ${limits[2]}${limits[3] === undefined ? '' : ` ${limits[3]}`})`)];
  for (let k = 0; k < sideCount; k++) imports.push(importLine(DATA_IMPORT_MODULE, dataImportName(k), `(func $c2w_data$${k} (param i32 i32 i32 i32))`));
  const firstImport = out.findIndex((l) => l.startsWith(' (import '));
  out.splice(firstImport < 0 ? 1 : firstImport, 0, ...imports);

  const m = binaryen.parseText(out.join('\n'));
  try {
    m.setFeatures(features);
    if (!m.validate()) throw new Error('main.wasm does not validate after the rewrite (a bug in wasm-split)');
    // The text keeps function names; debug info writes them back as a name section (stack traces).
    const debug = binaryen.getDebugInfo();
    binaryen.setDebugInfo(true);
    try {
      return { bytes: m.emitBinary(), memory };
    } finally {
      binaryen.setDebugInfo(debug);
    }
  } finally {
    m.dispose();
  }
}

const importLine = (module: string, name: string, desc: string): string => ` (import ${JSON.stringify(module)} ${JSON.stringify(name)} ${desc})`;
