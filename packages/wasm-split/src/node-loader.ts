import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '@c2w/errors';
import { decodeU32 } from '@c2w/streams';
import { MANIFEST_FILE, SplitManifest } from './manifest.js';

// Importable alone as @c2w/wasm-split/node-loader: Node only (the browser keeps ./loader).

/** Where each passive segment's bytes start in a side module file, and how long it is. */
interface SegmentIndex { offsets: number[]; lengths: number[] }

/**
 * Instantiates a split set from its directory in Node (docs/decisions/0021-wasm-split.md) without
 * compiling the side modules: main's `init_K(seg, dst, src, len)` imports read the segment's
 * bytes straight from data-K.wasm into the memory (what the module's memory.init would copy).
 * V8 keeps every compiled module's bytes, so the eager loader's RSS grew with the payload (3.9 GB
 * for a 3 GiB root); here it stays the size of main.wasm and the guest's memory.
 * `close()` releases the side modules' file handles.
 */
export function instantiateSplitDir(dir: string, imports: WebAssembly.Imports = {}): { instance: WebAssembly.Instance; manifest: SplitManifest; close: () => void } {
  const manifest = SplitManifest.parse(JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8')));
  const { module, name, initial, maximum } = manifest.memory;
  const memory = new WebAssembly.Memory(maximum === undefined ? { initial } : { initial, maximum });
  const fds: number[] = [];
  const close = (): void => { for (const fd of fds.splice(0)) closeSync(fd); };
  try {
    const inits: Record<string, Record<string, WebAssembly.ExportValue>> = {};
    for (const d of manifest.data) {
      const path = join(dir, d.file);
      const fd = openSync(path, 'r');
      fds.push(fd);
      const size = fstatSync(fd).size;
      if (size !== d.size) throw new InputError(`${path}: ${size} bytes, expected ${d.size} (${MANIFEST_FILE})`);
      let index: SegmentIndex | undefined; // read at the first init: a run may never touch this module
      (inits[d.import.module] ??= {})[d.import.name] = (seg: number, dst: number, src: number, len: number): void => {
        index ??= segmentIndex(fd, path, d.segments);
        copySegment(fd, index, memory, seg >>> 0, dst >>> 0, src >>> 0, len >>> 0);
      };
    }
    const main = new WebAssembly.Module(readFileSync(join(dir, manifest.main.file)));
    const instance = new WebAssembly.Instance(main, { ...imports, ...inits, [module]: { ...imports[module], [name]: memory } });
    return { instance, manifest, close };
  } catch (err) {
    close();
    throw err;
  }
}

/** memory.init's checks and copy: a segment or memory range out of bounds traps, as the module's own code would. */
function copySegment(fd: number, index: SegmentIndex, memory: WebAssembly.Memory, seg: number, dst: number, src: number, len: number): void {
  const segLength = index.lengths[seg];
  if (segLength === undefined || src + len > segLength || dst + len > memory.buffer.byteLength) throw new WebAssembly.RuntimeError('memory.init: out of bounds memory access');
  const target = new Uint8Array(memory.buffer, dst, len);
  for (let done = 0; done < len;) {
    const n = readSync(fd, target, done, len - done, index.offsets[seg]! + src + done);
    if (n === 0) throw new WebAssembly.RuntimeError(`memory.init: side module ended inside segment ${seg}`);
    done += n;
  }
}

/**
 * Walks a side module's sections to its data section and records where each passive segment's
 * bytes are: a few small reads per segment header, never the payload.
 */
function segmentIndex(fd: number, path: string, expected: number): SegmentIndex {
  const size = fstatSync(fd).size;
  const head = Buffer.alloc(16);
  const at = (pos: number): Buffer => head.subarray(0, readSync(fd, head, 0, head.length, pos));
  const bad = (what: string): never => { throw new InputError(`${path}: ${what}, expected a wasm-split side module`); };
  const leb = (bytes: Buffer, offset: number): { value: number; next: number } => {
    try { return decodeU32(bytes, offset); } catch (err) { return bad((err as Error).message); }
  };
  if (!at(0).subarray(0, 8).equals(Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]))) bad('bad magic or version');
  for (let pos = 8; pos < size;) {
    const bytes = at(pos);
    const id = bytes[0]!;
    const { value: length, next } = leb(bytes, 1);
    const payload = pos + next;
    if (id === 11) {
      let cursor = payload;
      const countAt = leb(at(cursor), 0);
      cursor += countAt.next;
      if (countAt.value !== expected) bad(`${countAt.value} data segments (split.json says ${expected})`);
      const offsets: number[] = [];
      const lengths: number[] = [];
      for (let i = 0; i < countAt.value; i++) {
        const h = at(cursor);
        if (h[0] !== 0x01) bad(`data segment ${i} is not passive`);
        const seg = leb(h, 1);
        offsets.push(cursor + seg.next);
        lengths.push(seg.value);
        cursor += seg.next + seg.value;
      }
      if (cursor !== payload + length || cursor > size) bad('the data section does not add up');
      return { offsets, lengths };
    }
    pos = payload + length;
  }
  return bad('no data section');
}
