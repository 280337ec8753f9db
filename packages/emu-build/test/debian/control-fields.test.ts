import { parseStanzas, parseStanzaStream } from '../../src/debian/control-fields.js';

const TEXT = 'Package: a\nVersion: 1\nDescription: one\n two\n\nPackage: b\nVersion: 2\n';

describe('parseStanzas', () => {
  it('splits paragraphs and joins continuation lines', () => {
    const s = [...parseStanzas(TEXT, 't')];
    expect(s).toHaveLength(2);
    expect(s[0]!.get('Description')).toBe('one\ntwo');
    expect(s[1]!.get('Version')).toBe('2');
  });

  it('refuses a line that is not a field', () => {
    expect(() => [...parseStanzas('Package a\n', 't')]).toThrow(/line 1/);
  });

  it('streams the same paragraphs whatever the chunk sizes', async () => {
    const bytes = Buffer.from(TEXT);
    for (const size of [1, 3, 7, 1000]) {
      async function* chunks() { for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size); }
      const got = [];
      for await (const s of parseStanzaStream(chunks(), 't')) got.push(Object.fromEntries(s));
      expect(got).toEqual([...parseStanzas(TEXT, 't')].map((s) => Object.fromEntries(s)));
    }
  });
});
