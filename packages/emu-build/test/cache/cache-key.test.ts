import { canonicalJson, keyOf } from '../../src/cache/cache-key.js';

describe('keyOf', () => {
  it('does not depend on object key order', () => {
    expect(keyOf({ a: 1, b: [1, { c: 2, d: 3 }] })).toBe(keyOf({ b: [1, { d: 3, c: 2 }], a: 1 }));
    expect(keyOf({ a: 1 })).not.toBe(keyOf({ a: 2 }));
  });

  it('hashes the canonical JSON', () => {
    expect(canonicalJson({ b: [1, 'x'], a: null })).toBe('{"a":null,"b":[1,"x"]}');
    expect(keyOf({})).toBe('44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a');
  });
});
