import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { workspaceRoot } from '@c2w/testing';
import { COMMANDS } from '../src/commands.js';

/**
 * oclif.manifest.json lets `c2w --version` and `c2w run` skip importing every command to list them
 * (docs/decisions/0051). The build writes it after tsc; a manifest missing a command would hide
 * it, a stale one would show old flags in --help, so both are checked against the sources.
 */
const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(readFileSync(join(pkg, 'oclif.manifest.json'), 'utf8')) as {
  version: string;
  commands: Record<string, { id: string; isESM: boolean; relativePath: string[]; flags: Record<string, unknown> }>;
};

describe('oclif.manifest.json', () => {
  it('exists after the build and lists every command of the umbrella, and nothing else', () => {
    const ids = Object.keys(COMMANDS).sort();
    expect(Object.keys(manifest.commands).sort()).toEqual(ids);
    // one source file per command: what oclif finds without a manifest is the same set
    expect(readdirSync(join(pkg, 'src', 'commands')).map((f) => f.replace(/\.ts$/, '')).sort()).toEqual(ids);
    expect(manifest.version).toBe(JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')).version);
  });

  it.each(Object.entries(COMMANDS))('%s: its module file and its flags as the class has them', (id, command) => {
    const entry = manifest.commands[id]!;
    expect(entry.isESM).toBe(true);
    expect(entry.relativePath).toEqual(['dist', 'commands', `${id}.js`]);
    const flags = { ...(command as { baseFlags?: object }).baseFlags, ...(command as { flags?: object }).flags };
    expect(Object.keys(entry.flags).sort()).toEqual(Object.keys(flags).sort());
  });

  it('is what the build would write now (not stale)', () => {
    const r = spawnSync(process.execPath, [join(workspaceRoot, 'tools', 'oclif-manifest.js'), pkg, '--check'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
