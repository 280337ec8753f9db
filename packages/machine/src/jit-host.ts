// The JIT host (docs/decisions/0040): reads the machine's translation requests from its memory,
// compiles the requested blocks into one wasm module per visit, and installs each function in the
// machine's function table, where the interpreter calls it on the block's next entry. It runs
// inside the machine's clock reads (withJit), so machine.wasm needs no import of its own.
import { I32, I64, encodeModule, type FuncCode } from './jit-wasm.js';
import { JIT_NONE, readLayout, type JitLayout } from './jit-layout.js';
import { translate, type Insn } from './jit-translate.js';
import type { WasiImports } from './wasi-console.js';

interface Table {
  grow(n: number, value?: unknown): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object, imports: object) => { exports: Record<string, unknown> };
}
const Wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** What the host needs of the machine's instance. */
export interface JitTarget {
  memory: { buffer: ArrayBuffer };
  table: Table;
  /** c2w_jit_info: the Jit state's address, 0 until the machine has one. */
  info: () => number;
}

export interface JitStats {
  /** Guest instructions retired by translations. */
  retired: number;
  modules: number;
  translated: number;
  refused: number;
}

/** Requests compiled together, or whatever is queued after BATCH_MS. */
const BATCH = 16;
const BATCH_MS = 20;
/**
 * Translations are never freed (a dead one keeps its table slot and module), so a guest that keeps
 * rewriting hot code would grow them without end: past this many, blocks stay interpreted.
 */
const MAX_TRANSLATIONS = 65536;

export class JitHost {
  private layout: JitLayout | undefined;
  private last = 0;
  private readonly counts = { modules: 0, translated: 0, refused: 0 };

  constructor(private readonly target: () => JitTarget | undefined) {}

  stats(): JitStats {
    const t = this.target();
    const retired = t && this.layout ? Number(new DataView(t.memory.buffer).getBigUint64(this.layout.retiredAddr, true)) : 0;
    return { retired, ...this.counts };
  }

  /** Translates what the machine asked for since the last visit. */
  service(): void {
    const t = this.target();
    if (!t) return;
    if (!this.layout) {
      const base = t.info();
      if (!base) return;
      this.layout = readLayout(new Uint32Array(t.memory.buffer), base);
    }
    const L = this.layout;
    const u32 = new Uint32Array(t.memory.buffer);
    const n = u32[L.nreqAddr >>> 2]!;
    if (!n) return;
    // one module per visit costs about as much as its functions: wait for a batch, or a while
    const now = performance.now();
    if (n < BATCH && now - this.last < BATCH_MS) return;
    this.last = now;
    u32[L.nreqAddr >>> 2] = 0;
    const view = new DataView(t.memory.buffer);
    const read = (a: number): Insn => ({ op: view.getUint8(a), rd: view.getUint8(a + 1), rs1: view.getUint8(a + 2), rs2: view.getUint8(a + 3), imm: view.getInt32(a + 4, true) });
    const funcs: FuncCode[] = [];
    const entries: number[] = [];
    for (let i = 0; i < n; i++) {
      const e = L.tabAddr + u32[(L.reqAddr >>> 2) + i]! * L.entrySize;
      const f = this.counts.translated + funcs.length < MAX_TRANSLATIONS ? translate(read, u32[e >>> 2]!, L) : undefined;
      if (f) { funcs.push(f); entries.push(e); } else { u32[(e + 8) >>> 2] = JIT_NONE; this.counts.refused++; }
    }
    if (!funcs.length) return;
    const mod = new Wasm.Module(encodeModule([I32, I64, I32], [I32], funcs));
    const inst = new Wasm.Instance(mod, { m: { memory: t.memory } });
    this.counts.modules++;
    this.counts.translated += funcs.length;
    entries.forEach((e, i) => {
      const index = t.table.grow(1, inst.exports[`f${i}`]);
      new Uint32Array(t.memory.buffer)[(e + 8) >>> 2] = index;
    });
  }
}

/** The machine's WASI imports with the JIT host visited before each clock read (once a slice). */
export function withJit(imports: WasiImports, jit: JitHost): WasiImports {
  const w = imports.wasi_snapshot_preview1;
  const clock = w.clock_time_get!;
  return { ...imports, wasi_snapshot_preview1: { ...w, clock_time_get: (...a: number[]) => { jit.service(); return clock(...a); } } };
}
