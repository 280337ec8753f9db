import { execa } from 'execa';
import { closeSync, openSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const workspaceRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export interface BinResult {
  exitCode: number;
  stdout: Buffer;
  stderr: string;
}

/**
 * Runs a package's real bin (packages/<pkg>/bin/run.js) as a user would, never through a shell.
 * Tests that use it need the package built (`nx run-many -t build` runs before tests).
 */
export async function runBin(pkg: string, args: string[], options: { input?: Buffer | string; inputFile?: string; cwd?: string; env?: Record<string, string>; keepStdinOpen?: boolean; stdoutFile?: string } = {}): Promise<BinResult> {
  const bin = join(workspaceRoot, 'packages', pkg, 'bin', 'run.js');
  // a real redirect, as `> FILE` in a shell: the child writes the file itself (execa's { file } pipes
  // through this process, which would hide the child's own write errors). execa hands an fd number
  // to the child as it is at run time, though its types list only 1 and 2.
  const stdoutFd = options.stdoutFile !== undefined ? openSync(options.stdoutFile, 'w') : undefined;
  const result = await execa(process.execPath, [bin, ...args], {
    reject: false,
    encoding: 'buffer',
    stripFinalNewline: { stdout: false, stderr: true },
    cwd: options.cwd,
    env: options.env,
    stdout: (stdoutFd ?? 'pipe') as 'pipe',
    ...(options.input !== undefined ? { input: options.input } : options.inputFile ? { inputFile: options.inputFile } : { stdin: options.keepStdinOpen ? ('pipe' as const) : ('ignore' as const) }),
  });
  if (stdoutFd !== undefined) closeSync(stdoutFd);
  return { exitCode: result.exitCode ?? -1, stdout: Buffer.from(result.stdout ?? new Uint8Array()), stderr: Buffer.from(result.stderr).toString('utf8') };
}
