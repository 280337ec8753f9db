import { progressStatus } from '../src/progress.js';

describe('progressStatus', () => {
  it('turns layer events into status text for cli-kit to draw', () => {
    const shown: string[] = [];
    const p = progressStatus((s) => shown.push(s));
    p.layerStart(1, 2, `sha256:${'ab'.repeat(32)}`, 2 << 20);
    p.bytes(1 << 20);
    p.bytes(1 << 20);
    p.layerEnd();
    p.writing();
    p.done();
    expect(shown).toEqual([
      'layer 1 of 2 abababababab 0.0/2.0 MiB',
      'layer 1 of 2 abababababab 1.0/2.0 MiB',
      'layer 1 of 2 abababababab 2.0/2.0 MiB',
      'layer 1 of 2 abababababab 2.0/2.0 MiB',
      'writing the flattened tree',
    ]);
  });
});
