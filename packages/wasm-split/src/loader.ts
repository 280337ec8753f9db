import { MANIFEST_FILE, SplitManifest } from './manifest.js';

// Importable alone as @c2w/wasm-split/loader: zod only, not binaryen (a runner's start-up stays light).
export { MANIFEST_FILE };

/** Reads one file of the split directory: readFile in Node, fetch(...).arrayBuffer() in a browser. */
export type ReadSplitFile = (file: string) => Promise<BufferSource>;

/**
 * Instantiates a split module (docs/decisions/0021-wasm-split.md): creates the memory, instantiates
 * each data-K.wasm with it, then main.wasm with `imports` (WASI's, say) plus the memory and the
 * side modules' `init`s. Works the same in Node and in browsers; nothing of the payload is copied.
 */
export async function instantiateSplit(read: ReadSplitFile, imports: WebAssembly.Imports = {}): Promise<{ instance: WebAssembly.Instance; manifest: SplitManifest }> {
  const manifest = SplitManifest.parse(JSON.parse(new TextDecoder().decode(await read(MANIFEST_FILE))));
  const { module, name, initial, maximum } = manifest.memory;
  const memory = new WebAssembly.Memory(maximum === undefined ? { initial } : { initial, maximum });
  const inits: Record<string, Record<string, WebAssembly.ExportValue>> = {};
  for (const d of manifest.data) {
    const side = await WebAssembly.instantiate(await WebAssembly.compile(await read(d.file)), { [module]: { [name]: memory } });
    (inits[d.import.module] ??= {})[d.import.name] = side.exports['init']!;
  }
  const main = await WebAssembly.compile(await read(manifest.main.file));
  const instance = await WebAssembly.instantiate(main, { ...imports, ...inits, [module]: { ...imports[module], [name]: memory } });
  return { instance, manifest };
}
