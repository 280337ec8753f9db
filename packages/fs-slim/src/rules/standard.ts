import { globRule, type Rule } from './rule.js';

const LIB_DIRS = '{usr/,usr/local/,}lib{,32,64,x32}';

/** Rules that cost only start-up time or the ability to build software inside the image. */
export const standardRules: readonly Rule[] = [
  globRule({
    id: 'python-bytecode',
    profile: 'standard',
    what: 'Python bytecode caches: __pycache__ directories',
    why: 'Python imports only from source when its cache is missing (it never imports a __pycache__ file without its .py), so the cost is compile time at start-up. Sourceless .pyc files outside __pycache__ stay',
    include: ['**/__pycache__/**', '**/__pycache__'],
    removesDirectories: true,
  }),
  globRule({
    id: 'static-libraries',
    profile: 'standard',
    what: 'static libraries and libtool archives (*.a, *.la) under lib directories',
    why: 'used only to link new programs; running programs load shared libraries (*.so*), which are never removed',
    include: [`${LIB_DIRS}/**/*.a`, `${LIB_DIRS}/**/*.la`],
  }),
  globRule({
    id: 'headers',
    profile: 'standard',
    what: 'C headers: usr/include, usr/local/include, except usr/include/python3*/pyconfig.h',
    why: 'read only by compilers; pyconfig.h stays because sysconfig parses it at run time',
    include: ['usr/include/**', 'usr/local/include/**'],
    exclude: ['usr/include/python3*/pyconfig.h', 'usr/local/include/python3*/pyconfig.h'],
  }),
  globRule({
    id: 'build-metadata',
    profile: 'standard',
    what: 'pkg-config and CMake package files: lib*/**/pkgconfig, usr/share/pkgconfig, lib*/**/cmake',
    why: 'read only by build systems looking for libraries to link',
    include: [`${LIB_DIRS}/**/pkgconfig/**`, 'usr/share/pkgconfig/**', `${LIB_DIRS}/cmake/**`, `${LIB_DIRS}/*/cmake/**`],
  }),
];
