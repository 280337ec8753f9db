import { baseName } from '@c2w/streams';
import { globTest, subtreeTest, type PathTest } from './globs.js';

/** A reason an entry is never removed, whatever rule matches it. */
export interface Protection {
  id: string;
  why: string;
}

/** Protections decided from the path alone, checked in this order (the first is credited). */
export interface StaticProtection extends Protection {
  test: PathTest;
}

export const DERIVED_PROTECTIONS: readonly Protection[] = [
  { id: 'symlink-target', why: 'a kept symlink points at it (through every hop), so no removal leaves a dangling link' },
  { id: 'hardlink-target', why: 'a kept hardlink entry needs its target earlier in the tar' },
  { id: 'ancestor-directory', why: 'a kept entry lives inside it' },
];

const isSharedLibrary: PathTest = (path) => /\.so(\.[^/]*)?$/.test(baseName(path));

export function staticProtections(keepGlobs: readonly string[], imageCommand: ReadonlySet<string>): StaticProtection[] {
  const keeps = keepGlobs.map(subtreeTest);
  return [
    { id: 'keep', why: '--keep on the command line', test: (p) => keeps.some((t) => t(p)) },
    { id: 'image-command', why: "the image's Entrypoint/Cmd, its interpreters and path arguments (--keep-from)", test: (p) => imageCommand.has(p) },
    { id: 'etc', why: 'configuration: small, and what breaks first when missing', test: (p) => p === 'etc' || p.startsWith('etc/') },
    { id: 'dynamic-loader', why: 'every dynamically linked program needs it', test: globTest(['**/ld-linux*', '**/ld-musl-*', '**/ld.so*', '**/ld64.so*']) },
    { id: 'shared-libraries', why: 'loaded at run time (*.so, *.so.*), including Python extension modules', test: isSharedLibrary },
    { id: 'root', why: 'the root directory', test: (p) => p === '' },
  ];
}
