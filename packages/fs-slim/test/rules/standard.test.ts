import { slim, tree } from '../slim-fixture.js';

const files = [
  'usr/lib/python3/dist-packages/pkg/__init__.py', 'usr/lib/python3/dist-packages/pkg/__pycache__/__init__.cpython-311.pyc',
  'usr/lib/python3/dist-packages/legacy/mod.pyc', 'usr/lib/x86_64-linux-gnu/libfoo.a', 'usr/lib/x86_64-linux-gnu/libfoo.la',
  'usr/lib/x86_64-linux-gnu/libfoo.so.1', 'usr/lib/x86_64-linux-gnu/pkgconfig/foo.pc', 'usr/lib/x86_64-linux-gnu/cmake/Foo/FooConfig.cmake',
  'usr/include/foo.h', 'usr/include/python3.11/pyconfig.h', 'usr/include/python3.11/Python.h', 'usr/share/data.a',
];

describe('standard rules', () => {
  it('python-bytecode, static-libraries, headers, build-metadata: exact survivors', async () => {
    const { names, report } = await slim(tree(...files), { profile: 'standard', dedupe: false });
    expect(names.filter((n) => !n.endsWith('/'))).toEqual([
      'usr/lib/python3/dist-packages/pkg/__init__.py', 'usr/lib/python3/dist-packages/legacy/mod.pyc',
      'usr/lib/x86_64-linux-gnu/libfoo.so.1', 'usr/include/python3.11/pyconfig.h', 'usr/share/data.a',
    ]);
    expect(names).not.toContain('usr/lib/python3/dist-packages/pkg/__pycache__/');
    expect(names).toContain('usr/lib/x86_64-linux-gnu/pkgconfig/');
    expect(report.removed.map((r) => [r.id, r.files, r.directories])).toEqual([
      ['python-bytecode', 1, 1], ['static-libraries', 2, 0], ['headers', 2, 0], ['build-metadata', 2, 0],
    ]);
  });

  it('are not part of the safe profile', async () => {
    const { names } = await slim(tree(...files), { profile: 'safe', dedupe: false });
    expect(names.filter((n) => !n.endsWith('/'))).toHaveLength(files.length);
  });
});
