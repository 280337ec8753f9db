import { globRule, type Rule } from './rule.js';

const PACKAGES = '**/{site-packages,dist-packages}';

/** Rules that remove what a user could still want (test suites, build inputs); check the report. */
export const aggressiveRules: readonly Rule[] = [
  globRule({
    id: 'package-tests',
    profile: 'aggressive',
    what: 'test directories inside Python packages (tests, test) and node_modules (test, tests, __tests__), and the CPython test suites (usr/lib/python3*/test, idlelib/idle_test, lib2to3/tests, tkinter/test, unittest/test, ctypes/test)',
    why: 'run by developers, never imported by the library itself; `numpy.test()` and friends stop working',
    include: [
      `${PACKAGES}/**/{tests,test}/**`, `${PACKAGES}/**/{tests,test}`,
      '**/node_modules/**/{test,tests,__tests__}/**', '**/node_modules/**/{test,tests,__tests__}',
      '{usr/,usr/local/}lib/python3*/{test,idlelib/idle_test,lib2to3/tests,tkinter/test,unittest/test,ctypes/test}/**',
      '{usr/,usr/local/}lib/python3*/{test,idlelib/idle_test,lib2to3/tests,tkinter/test,unittest/test,ctypes/test}',
    ],
    removesDirectories: true,
  }),
  globRule({
    id: 'python-build-inputs',
    profile: 'aggressive',
    what: 'build inputs inside Python packages: Cython sources and declarations (*.pyx, *.pxd, *.pxi), C/C++ sources and headers (*.c, *.cpp, *.h), type stubs (*.pyi)',
    why: 'needed only to compile extensions against the package (numpy.get_include()) or to type-check; the interpreter never reads them',
    include: [`${PACKAGES}/**/*.{pyx,pxd,pxi,c,cpp,h,pyi}`],
  }),
  globRule({
    id: 'locale-sources',
    profile: 'aggressive',
    what: 'locale definitions and charmaps: usr/share/i18n',
    why: 'read only by locale-gen and localedef to compile new locales; compiled locales stay',
    include: ['usr/share/i18n/**'],
  }),
];
