import { readFile } from 'node:fs/promises';
import { assertReadableFile } from '@c2w/streams';

/** The module's code is read whole: binaryen needs it in memory (the embedded files never are). */
export async function readInputModule(spec: string): Promise<Uint8Array> {
  if (spec === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }
  await assertReadableFile(spec, 'IN.wasm');
  return readFile(spec);
}
