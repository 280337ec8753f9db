import binaryen from 'binaryen';

interface CApi {
  _malloc(n: number): number;
  _free(p: number): void;
  stringToAscii(s: string, p: number): void;
  __i32_store8(p: number, v: number): void;
  _BinaryenAddDataSegment(mod: number, name: number, memory: number, passive: boolean, offset: number, data: number, size: number): void;
}

/**
 * Adds one passive data segment named `name`. binaryen.js has no wrapper for that (setMemory
 * replaces every segment); its C API does, with the strings and bytes in binaryen's own heap. The
 * placeholders of vfs-embed are empty; tests pass a few bytes.
 */
export function addPassiveSegment(m: binaryen.Module, name: string, data: Uint8Array = new Uint8Array(0)): void {
  const api = binaryen as unknown as CApi;
  const namePtr = api._malloc(name.length + 1);
  const memoryPtr = api._malloc(2);
  const dataPtr = api._malloc(Math.max(1, data.length));
  try {
    api.stringToAscii(name, namePtr);
    api.stringToAscii('0', memoryPtr); // binaryen's name of an unnamed first memory
    data.forEach((byte, i) => api.__i32_store8(dataPtr + i, byte));
    api._BinaryenAddDataSegment((m as unknown as { ptr: number }).ptr, namePtr, memoryPtr, true, 0, dataPtr, data.length);
  } finally {
    api._free(namePtr);
    api._free(memoryPtr);
    api._free(dataPtr);
  }
}
