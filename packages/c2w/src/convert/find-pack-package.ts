import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The npm package that ships the runtime pack (docs/distribution.md). */
export const PACK_PACKAGE = '@c2w/runtime-pack-riscv64';

/**
 * The installed pack package's directory: first as the project in `cwd` resolves it (a local
 * `npm install` beside a global c2w), then as c2w itself does (both installed together).
 */
export function findPackPackage(cwd: string, from: string): string | undefined {
  for (const base of [join(cwd, 'noop.js'), from]) {
    try {
      return dirname(createRequire(base).resolve(`${PACK_PACKAGE}/package.json`));
    } catch {
      // not resolvable from here: try the next base
    }
  }
  return undefined;
}
