import type { FixtureEntry } from '@c2w/testing';

/**
 * The attacks a layer can make, each on top of `hostileBase` (layer 1): shared by the library test
 * (flatten.test.ts) and the bin test (command.test.ts). The message is what follows `layer-flatten: `.
 */
export const hostileBase: FixtureEntry[] = [
  { name: 'etc/', type: 'directory' }, { name: 'etc/passwd', body: 'root' },
  { name: 'esc', type: 'symlink', linkname: '../../..' }, { name: 'loop', type: 'symlink', linkname: 'loop' },
  { name: 'file', body: 'f' },
];

export const hostileLayers: Array<[string, FixtureEntry[], RegExp]> = [
  ['a .. component', [{ name: 'etc/../../evil', body: 'x' }], /^layer 2 of 2: entry path escapes the root: "etc\/..\/..\/evil"/],
  ['an absolute name', [{ name: '/etc/evil', body: 'x' }], /^layer 2 of 2: entry path is absolute: "\/etc\/evil"/],
  ['a write through a symlink leaving the root', [{ name: 'esc/tmp/evil', body: 'x' }], /^layer 2 of 2: "esc\/tmp\/evil" resolves through a symlink that leaves the root/],
  ['a whiteout through a symlink leaving the root', [{ name: 'esc/etc/.wh.passwd', body: '' }], /^layer 2 of 2: "esc\/etc\/.wh.passwd" resolves through a symlink that leaves the root/],
  ['a hardlink to a missing file', [{ name: 'h', type: 'link', linkname: 'nope' }], /^layer 2 of 2: hardlink "h" points to a missing file "nope"/],
  ['a hardlink to a directory', [{ name: 'h', type: 'link', linkname: 'etc' }], /^layer 2 of 2: hardlink "h" points to a directory "etc"/],
  ['a hardlink escaping by ..', [{ name: 'h', type: 'link', linkname: '../etc/shadow' }], /^layer 2 of 2: hardlink "h" target path escapes the root/],
  ['a hardlink escaping through a symlink', [{ name: 'h', type: 'link', linkname: 'esc/etc/shadow' }], /^layer 2 of 2: "h" resolves through a symlink that leaves the root/],
  ['a bare .wh.', [{ name: 'etc/.wh.', body: '' }], /^layer 2 of 2: entry "etc\/.wh.": invalid whiteout name/],
  ['a non-directory .', [{ name: './', body: 'x' }], /^layer 2 of 2: entry ".\/": the root "." must be a directory/],
  ['a symlink loop in a parent path', [{ name: 'loop/x', body: 'x' }], /^layer 2 of 2: "loop\/x": too many levels of symbolic links/],
  ['a file below a file', [{ name: 'file/x', body: 'x' }], /^layer 2 of 2: entry "file\/x": a parent is not a directory/],
];
