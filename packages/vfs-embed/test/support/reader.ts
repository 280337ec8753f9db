import { fileURLToPath } from 'node:url';
import { buildWasiCommand, wasiToolchainAvailable } from '@c2w/testing';

const source = fileURLToPath(new URL('../fixtures/reader.c', import.meta.url));

/** Whether the test program can be built; a loud skip at a desk, a failure under CI. */
export function readerAvailable(): boolean {
  return wasiToolchainAvailable('the test program');
}

/** Builds test/fixtures/reader.c into `dir`/reader.wasm (see fixtures/README.md). */
export function buildReader(dir: string): string {
  return buildWasiCommand(source, dir);
}
