import picomatch from 'picomatch';
import { UsageError } from '@c2w/errors';

export type PathTest = (path: string) => boolean;

/** Globs over archive paths (no leading `/`); dot files match like any other. */
export function globTest(patterns: readonly string[]): PathTest {
  if (patterns.length === 0) return () => false;
  return picomatch(patterns.map(stripRoot), { dot: true });
}

/**
 * A user glob matches a path or any of its ancestors, so `--keep opt/app` keeps the whole tree and
 * `--remove usr/share/doc` removes everything beneath.
 */
export function subtreeTest(pattern: string): PathTest {
  if (stripRoot(pattern) === '') throw new UsageError(`glob ${JSON.stringify(pattern)} matches the whole tree`);
  const test = globTest([pattern]);
  return (path) => {
    for (let p = path; p !== ''; p = p.slice(0, Math.max(0, p.lastIndexOf('/')))) {
      if (test(p)) return true;
    }
    return false;
  };
}

function stripRoot(pattern: string): string {
  return pattern.replace(/^(\.?\/)+/, '');
}
