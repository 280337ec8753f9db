import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { MachineArch } from '@c2w/artifacts';

/** The npm package that ships a machine's runtime pack (docs/distribution.md). */
export const packPackage = (machine: MachineArch) => `@c2w/runtime-pack-${machine}`;

/**
 * The installed pack package's directory: first as the project in `cwd` resolves it (a local
 * `npm install` beside a global c2w), then as c2w itself does (both installed together).
 */
export function findPackPackage(cwd: string, from: string, machine: MachineArch = 'riscv64'): string | undefined {
  for (const base of [join(cwd, 'noop.js'), from]) {
    try {
      return dirname(createRequire(base).resolve(`${packPackage(machine)}/package.json`));
    } catch {
      // not resolvable from here: try the next base
    }
  }
  return undefined;
}
