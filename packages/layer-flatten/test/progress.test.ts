import { terminalProgress } from '../src/progress.js';

describe('progress', () => {
  it('redraws one line per layer, throttled, and clears it at the end', () => {
    const out: string[] = [];
    let now = 0;
    const p = terminalProgress({ write: (s: string) => out.push(s) }, 'layer-flatten', () => now);
    p.layerStart(1, 2, `sha256:${'ab'.repeat(32)}`, 2 << 20);
    p.bytes(1 << 20);            // within 100 ms of the start: not drawn
    now = 200;
    p.bytes(1 << 20);
    p.layerEnd();
    p.done();
    expect(out).toEqual([
      '\r\x1b[Klayer-flatten: layer 1 of 2 abababababab 0.0/2.0 MiB',
      '\r\x1b[Klayer-flatten: layer 1 of 2 abababababab 2.0/2.0 MiB',
      '\r\x1b[Klayer-flatten: layer 1 of 2 abababababab 2.0/2.0 MiB',
      '\r\x1b[K',
    ]);
  });
});
