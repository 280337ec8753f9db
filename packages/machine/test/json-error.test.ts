import fc from 'fast-check';
import { jsonErrorAt } from '../src/json-error.js';

const parses = (text: string): boolean => { try { JSON.parse(text); return true; } catch { return false; } };

describe('jsonErrorAt', () => {
  it('gives line, column and reason of the first error', () => {
    expect(jsonErrorAt('{\n  "a": 1\n  "b": 2\n}')).toEqual({ line: 3, column: 3, message: "expected ',' or '}'" });
    expect(jsonErrorAt('{"a": [1, 2,\n')).toEqual({ line: 2, column: 1, message: 'unexpected end of file' });
    expect(jsonErrorAt('{"a": 1} x')).toEqual({ line: 1, column: 10, message: 'unexpected data after the JSON value' });
    expect(jsonErrorAt('{"a": "\\x"}')).toEqual({ line: 1, column: 9, message: 'bad escape in string' });
    expect(jsonErrorAt('{"a": 01}')).toEqual({ line: 1, column: 8, message: "expected ',' or '}'" });
    expect(jsonErrorAt('{"a": tru}')).toEqual({ line: 1, column: 7, message: 'expected a JSON value' });
  });

  it('agrees with JSON.parse on what is valid', () => {
    fc.assert(fc.property(fc.json(), (text) => { expect(jsonErrorAt(text)).toBeNull(); }));
    // damaged JSON: cut short, a character dropped or replaced
    const damaged = fc.tuple(fc.json({ maxDepth: 3 }), fc.nat(), fc.constantFrom('', '}', ']', ',', ':', '"', '\\', '\n', 'x', '0', ' '))
      .map(([t, at, ch]) => t.slice(0, at % (t.length + 1)) + ch + t.slice((at % (t.length + 1)) + 1));
    fc.assert(fc.property(damaged, (text) => { expect(jsonErrorAt(text) === null).toBe(parses(text)); }), { numRuns: 2000 });
  });
});
