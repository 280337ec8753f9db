import { InputError } from '@c2w/errors';

/** Engine limits checked before anything is written (docs/decisions/0018-vfs-embed.md). */
export const MAX_DATA_SEGMENTS = 100_000; // the JS API's and wasmtime's cap
export const V8_MAX_MODULE_BYTES = 2 ** 30; // Node and Chrome refuse larger modules
export const MAX_SECTION_BYTES = 0xffffffff; // a section size is a u32

export interface Budget { segments: number; dataSectionBytes: number; moduleBytes: number }

/** Throws when the output would be unusable; returns notes for what only some hosts refuse. */
export function checkBudget(b: Budget, allowLarge: boolean): string[] {
  if (b.segments > MAX_DATA_SEGMENTS) throw new InputError(`the output would have ${b.segments} data segments, expected at most ${MAX_DATA_SEGMENTS} (embed fewer files)`);
  if (b.dataSectionBytes > MAX_SECTION_BYTES) throw new InputError(`the data section would be ${b.dataSectionBytes} bytes, expected at most ${MAX_SECTION_BYTES} (4 GiB, the wasm format's and wasmtime's limit)`);
  if (b.moduleBytes > V8_MAX_MODULE_BYTES) {
    const message = `the output would be ${b.moduleBytes} bytes, over V8's 1 GiB module limit (Node, Chrome refuse it; wasmtime accepts it)`;
    if (!allowLarge) throw new InputError(`${message}: pass --allow-large to write it anyway`);
    return [message];
  }
  return [];
}
