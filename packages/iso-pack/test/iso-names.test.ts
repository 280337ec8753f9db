import { isoIdentifiers } from '../src/iso-names.js';
import { jolietIdentifiers, jolietText } from '../src/joliet-names.js';

describe('ISO 9660 identifiers', () => {
  it('are unique d-character identifiers within the length limits', () => {
    const names = ['README', 'readme', 'ReadMe', 'a.b.c', 'a_b.c', '.hidden', 'x'.repeat(255), 'x'.repeat(254), 'with space;1.txt'];
    const ids = isoIdentifiers(names.map((name) => ({ name, isDir: false })));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[A-Z0-9_]{0,30}\.[A-Z0-9_]{0,8}$/);
    for (const id of ids) expect(id.replace('.', '').length).toBeLessThanOrEqual(30);
    const dirs = isoIdentifiers(['lib', 'LIB', 'Lib'].map((name) => ({ name, isDir: true })));
    expect(new Set(dirs).size).toBe(3);
    expect(dirs[0]).toBe('LIB1');
  });
});

describe('Joliet identifiers', () => {
  it('replace what Joliet cannot hold and stay unique', () => {
    expect(jolietText('a:b;c😀d')).toBe('a_b_c_d');
    const prefix = 'p'.repeat(70);
    const names = Array.from({ length: 50 }, (_, i) => `${prefix}${i}.face_iterator`);
    const ids = jolietIdentifiers(names.map((name) => ({ name, isDir: false })), 64);
    expect(new Set(ids).size).toBe(50);
    for (const id of ids) { expect(id.length).toBeLessThanOrEqual(64); expect(id.endsWith('.face_iterator')).toBe(true); }
  });
});
