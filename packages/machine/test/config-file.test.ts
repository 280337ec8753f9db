import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '@c2w/errors';
import { applyConfigFile } from '../src/config-file.js';
import type { MachineOptions } from '../src/options.js';

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'machine-config-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function config(text: string): string {
  const file = join(dir, `c${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, text);
  return file;
}

describe('applyConfigFile', () => {
  it('applies the keys over what the command line set, drives and shares appended', () => {
    const opts: Partial<MachineOptions> = { bios: 'fw', drives: [{ path: 'first' }] };
    applyConfigFile(opts, config(JSON.stringify({ memory: 512, kernel: 'k', drives: ['d', { path: 'e', readonly: true }], shares: ['/s,tag=t'], stdin_port: true })));
    expect(opts).toEqual({
      bios: 'fw', memory: '512M', kernel: 'k', drives: [{ path: 'first' }, { path: 'd' }, { path: 'e', readonly: true }],
      shares: [{ hostPath: '/s', tag: 't', readonly: false }], stdinPort: true,
    });
  });

  it('reads a drive\'s "volatile" (docs/decisions/0057)', () => {
    const opts: Partial<MachineOptions> = {};
    applyConfigFile(opts, config('{"drives": [{"path": "u.img", "volatile": true}, {"path": "k.img", "volatile": false}]}'));
    expect(opts.drives).toEqual([{ path: 'u.img', readonly: false, volatile: true }, { path: 'k.img', readonly: false }]);
  });

  it('reads "jit" (docs/decisions/0040)', () => {
    const opts: Partial<MachineOptions> = {};
    applyConfigFile(opts, config('{"jit": true}'));
    expect(opts).toEqual({ jit: true });
  });

  it('reads "arch"', () => {
    const opts: Partial<MachineOptions> = {};
    applyConfigFile(opts, config('{"arch": "x86_64", "kernel": "vmlinux"}'));
    expect(opts).toEqual({ arch: 'x86_64', kernel: 'vmlinux' });
  });

  it.each([
    ['{"arch": "arm64"}', /unknown arch "arm64"/],
    ['{"memory": 1,\n "bios": }', /line 2 column 10/],
    ['[1]', /expected a JSON object/],
    ['{"colour": 1}', /unknown key "colour"/],
    ['{"kernel": 1}', /"kernel" must be a string/],
    ['{"drives": [3]}', /bad drive entry/],
  ])('%j is bad input (exit 1) naming the file', (text, message) => {
    const file = config(text);
    const err = (() => { try { applyConfigFile({}, file); } catch (e) { return e; } })() as InputError;
    expect(err).toBeInstanceOf(InputError);
    expect(err.exitCode).toBe(1);
    expect(err.message).toMatch(message);
    expect(err.message).toContain(file);
    expect(err.message).not.toContain('\n');
  });

  it('a missing file is bad input naming it', () => {
    expect(() => applyConfigFile({}, join(dir, 'missing.json'))).toThrow(/cannot open config '.*missing.json': No such file or directory/);
  });
});
