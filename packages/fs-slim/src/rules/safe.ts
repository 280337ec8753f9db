import { globRule, type Rule } from './rule.js';

/** Rules that remove only what nothing at run time reads. */
export const safeRules: readonly Rule[] = [
  globRule({
    id: 'docs',
    profile: 'safe',
    what: 'documentation: usr/share/{doc,man,info,gtk-doc,help} and usr/local/share/{doc,man,info}, except usr/share/doc/*/copyright and the entries directly in usr/share/doc',
    why: 'read only by people and man/info viewers; directories stay because some maintainer scripts expect usr/share/man/man1 to exist. Copyright files stay because licences require shipping them, and so do the usr/share/doc/<pkg> symlinks through which some packages reach theirs',
    include: ['usr/share/{doc,man,info,gtk-doc,help}/**', 'usr/local/share/{doc,man,info}/**'],
    exclude: ['usr/share/doc/*/copyright', 'usr/share/doc/*'],
  }),
  globRule({
    id: 'package-caches',
    profile: 'safe',
    what: 'package manager caches and indexes: var/cache/apt, var/lib/apt/lists (except the lock), *-old backups in var/cache/debconf and var/lib/dpkg, var/cache/man, apk and dnf caches',
    why: 'apt-get update and the package manager regenerate them; nothing reads them to run the image',
    include: ['var/cache/apt/**', 'var/lib/apt/lists/**', 'var/cache/debconf/*-old', 'var/lib/dpkg/*-old', 'var/cache/man/**', 'var/cache/apk/**', 'var/cache/dnf/**', 'var/cache/yum/**'],
    exclude: ['var/lib/apt/lists/lock'],
  }),
  globRule({
    id: 'user-caches',
    profile: 'safe',
    what: 'per-user caches of build tools: root/.cache, home/*/.cache, npm, yarn and pip download caches',
    why: 'caches by definition: tools refill them on demand',
    include: ['root/.cache/**', 'home/*/.cache/**', 'root/.npm/_cacache/**', 'home/*/.npm/_cacache/**', 'usr/local/share/.cache/**', '**/node_modules/.cache/**'],
  }),
  globRule({
    id: 'logs',
    profile: 'safe',
    what: 'build-time logs: var/log/**/*.log, rotated logs, var/log/apt',
    why: 'written during the image build; programs append to or recreate them. Accounting files (wtmp, btmp, lastlog) stay',
    include: ['var/log/**/*.log', 'var/log/**/*.log.*', 'var/log/**/*.[0-9]', 'var/log/**/*.gz', 'var/log/apt/**'],
  }),
  globRule({
    id: 'temp-files',
    profile: 'safe',
    what: 'contents of tmp and var/tmp',
    why: 'temporary by definition; the directories (and their sticky modes) stay',
    include: ['tmp/**', 'var/tmp/**'],
  }),
  globRule({
    id: 'cython-debug',
    profile: 'safe',
    what: 'Cython debugger data: cython_debug directories and cython_debug_info_* files (SageMath ships thousands)',
    why: 'read only by cygdb, the Cython gdb extension',
    include: ['**/cython_debug/**', '**/cython_debug', '**/cython_debug_info_*'],
    removesDirectories: true,
  }),
  globRule({
    id: 'debug-symbols',
    profile: 'safe',
    what: 'detached debug symbols: usr/lib/debug',
    why: 'read only by debuggers (gdb) through the build-id links',
    include: ['usr/lib/debug/**', 'usr/lib/debug'],
    removesDirectories: true,
  }),
  globRule({
    id: 'packaging-metadata',
    profile: 'safe',
    what: 'lintian overrides and reportbug hooks: usr/share/lintian, usr/share/bug',
    why: 'read only by the package checker and the bug reporter',
    include: ['usr/share/lintian/**', 'usr/share/bug/**'],
  }),
];
