import { slim, tree } from '../slim-fixture.js';

describe('aggressive rules', () => {
  it('package-tests, python-build-inputs, locale-sources: exact survivors', async () => {
    const { names } = await slim(tree(
      'usr/lib/python3/dist-packages/numpy/__init__.py', 'usr/lib/python3/dist-packages/numpy/tests/test_x.py',
      'usr/lib/python3/dist-packages/numpy/testing/__init__.py', 'usr/lib/python3/dist-packages/numpy/core/include/numpy/arrayobject.h',
      'usr/lib/python3/dist-packages/numpy/random/_common.pxd', 'usr/lib/python3/dist-packages/numpy/__init__.pyi',
      'usr/lib/python3/dist-packages/numpy/core/_multiarray_umath.cpython-311-x86_64-linux-gnu.so',
      'usr/lib/python3.11/test/support/__init__.py', 'usr/lib/python3.11/unittest/test/test_case.py', 'usr/lib/python3.11/unittest/case.py',
      'app/node_modules/left-pad/index.js', 'app/node_modules/left-pad/test/index.js', 'usr/share/i18n/charmaps/UTF-8.gz',
    ), { profile: 'aggressive', dedupe: false });
    expect(names.filter((n) => !n.endsWith('/'))).toEqual([
      'usr/lib/python3/dist-packages/numpy/__init__.py', 'usr/lib/python3/dist-packages/numpy/testing/__init__.py',
      'usr/lib/python3/dist-packages/numpy/core/_multiarray_umath.cpython-311-x86_64-linux-gnu.so',
      'usr/lib/python3.11/unittest/case.py', 'app/node_modules/left-pad/index.js',
    ]);
    expect(names).not.toContain('usr/lib/python3/dist-packages/numpy/tests/');
    expect(names).toContain('usr/share/i18n/charmaps/');
  });
});
