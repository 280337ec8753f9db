import { commandEntries, imageLocales, type ImageRuntime } from '../src/image-command.js';
import type { IndexedEntry } from '../src/scan.js';
import { Tree } from '../src/tree.js';

function entry(path: string, type = 'file', extra: Partial<IndexedEntry> = {}): IndexedEntry {
  return { name: path, path, type, size: 1, linkname: undefined, mode: 0o755, uid: 0, gid: 0, mtime: 0, owner: ':', xattrs: '', ...extra };
}

const fsTree = new Tree([
  entry('usr/bin/python3', 'symlink', { linkname: 'python3.11' }),
  entry('usr/bin/python3.11'),
  entry('bin', 'symlink', { linkname: 'usr/bin' }),
  entry('usr/bin/env'),
  entry('usr/local/bin/app', 'file', { shebang: '/usr/bin/env python3 -u' }),
  entry('srv/main.py'),
  entry('srv/conf.toml'),
  entry('usr/bin/sh'),
  entry('usr/bin/run-it'),
]);
const paths = (runtime: Partial<ImageRuntime>) =>
  [...commandEntries({ entrypoint: [], cmd: [], env: [], workingDir: '', ...runtime }, fsTree)].map((i) => fsTree.entries[i]?.path).sort();

describe('commandEntries', () => {
  it('finds the executable through PATH and symlinks', () => {
    expect(paths({ cmd: ['python3', '--version'], env: ['PATH=/bin'] })).toEqual(['bin', 'usr/bin/python3', 'usr/bin/python3.11']);
  });

  it("follows a script's #! line, through env, and keeps path arguments relative to WorkingDir", () => {
    expect(paths({ entrypoint: ['app'], cmd: ['main.py', '/srv/conf.toml'], workingDir: '/srv' }))
      .toEqual(['srv/conf.toml', 'srv/main.py', 'usr/bin/env', 'usr/bin/python3', 'usr/bin/python3.11', 'usr/local/bin/app']);
  });

  it('looks up the first word of a sh -c script', () => {
    expect(paths({ cmd: ['/usr/bin/sh', '-c', 'run-it --fast && true'] })).toEqual(['usr/bin/run-it', 'usr/bin/sh']);
  });
});

describe('imageLocales', () => {
  it('reads LANG, LC_ALL, LC_MESSAGES and LANGUAGE', () => {
    expect(imageLocales({ entrypoint: [], cmd: [], workingDir: '', env: ['LANG=de_DE.UTF-8', 'LANGUAGE=fr:it'] })).toEqual(['de_DE.UTF-8', 'fr', 'it']);
  });
});
