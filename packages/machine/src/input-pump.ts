// Console input from a Node stream into the StdinRing the machine's thread reads.
import type { StdinRing } from './stdin-ring.js';

/**
 * Copies `input` into the ring as it arrives, pausing while the ring is full; closes the ring at
 * EOF. Returns a function that stops reading (and lets process.stdin go).
 */
export function pumpInput(input: NodeJS.ReadableStream, ring: StdinRing): () => void {
  let stopped = false;
  // The copy of a chunk that did not fit; 'end' can fire while it runs (pause() does not hold it
  // back once the source is exhausted), and closing the ring then would drop its tail.
  let copying: Promise<void> | undefined;
  const onData = (chunk: Buffer | string) => {
    let bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    bytes = bytes.subarray(ring.write(bytes));
    if (bytes.length === 0) return;
    input.pause();
    copying = (async () => {
      while (bytes.length > 0 && !stopped) {
        await ring.waitForSpace(100);
        bytes = bytes.subarray(ring.write(bytes));
      }
      copying = undefined;
      if (!stopped) input.resume();
    })();
  };
  const onEnd = () => {
    if (copying) void copying.then(() => ring.close());
    else ring.close();
  };
  input.on('data', onData);
  input.once('end', onEnd);
  input.once('error', onEnd);
  return () => {
    stopped = true;
    input.removeListener('data', onData);
    input.removeListener('end', onEnd);
    input.removeListener('error', onEnd);
    if (input === process.stdin) process.stdin.destroy();
    else input.pause();
  };
}
