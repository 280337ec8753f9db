import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError, UsageError } from '@c2w/errors';
import { workspaceRoot } from '@c2w/testing';
import { parseMount, parseMounts } from '../../src/run/mounts.js';

describe('parseMount', () => {
  it('reads HOST:GUEST[:ro] and names the share c2w<index>', () => {
    expect(parseMount('/srv/data:/data', 0)).toEqual({ hostPath: '/srv/data', destination: '/data', readonly: false, tag: 'c2w0' });
    expect(parseMount('/srv/cfg:/etc/app/:ro', 3)).toEqual({ hostPath: '/srv/cfg', destination: '/etc/app', readonly: true, tag: 'c2w3' });
    expect(parseMount('rel:/x:rw', 1).hostPath).toBe(join(process.cwd(), 'rel'));
  });

  it('rejects bad syntax as usage errors', () => {
    for (const bad of ['/a', ':/b', '/a:', '/a:b', '/a:/b:rx', '/a:/b:ro:x', '/a:/'])
      expect(() => parseMount(bad, 0)).toThrow(UsageError);
  });
});

describe('parseMounts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'c2w-mounts-'));
  writeFileSync(join(dir, 'file'), 'x');

  it('accepts existing directories', async () => {
    expect(await parseMounts([`${dir}:/a`, `${dir}:/b:ro`])).toHaveLength(2);
  });

  it('names a missing or non-directory host path as an input error', async () => {
    await expect(parseMounts([`${join(dir, 'nope')}:/a`])).rejects.toThrow(InputError);
    await expect(parseMounts([`${join(dir, 'nope')}:/a`])).rejects.toThrow(/nope does not exist/);
    await expect(parseMounts([`${join(dir, 'file')}:/a`])).rejects.toThrow(/not a directory/);
  });

  it('refuses duplicates and more mounts than the machine has slots', async () => {
    await expect(parseMounts([`${dir}:/a`, `${dir}:/a/`])).rejects.toThrow(UsageError);
    await expect(parseMounts(Array.from({ length: 5 }, (_, i) => `${dir}:/m${i}`))).rejects.toThrow(/at most 4/);
  });
});

/**
 * A mount source we may not read, through the real bin: exit 3 "permission denied", not "does not
 * exist". As root, permission bits bind only without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH, so
 * the bin runs under setpriv without them.
 */
describe('c2w run --mount on a directory it may not read', () => {
  const base = mkdtempSync(join(tmpdir(), 'c2w-mounts-eacces-'));
  const locked = join(base, 'locked');
  mkdirSync(join(locked, 'inner'), { recursive: true });
  chmodSync(locked, 0o000);
  afterAll(() => { chmodSync(locked, 0o755); rmSync(base, { recursive: true }); });

  const bin = join(workspaceRoot, 'packages', 'c2w', 'bin', 'run.js');
  const dropCaps = ['--inh-caps=-dac_override,-dac_read_search', '--bounding-set=-dac_override,-dac_read_search'];
  const run = (args: string[]) => {
    const r = process.getuid?.() === 0
      ? spawnSync('setpriv', [...dropCaps, process.execPath, bin, ...args], { encoding: 'utf8' })
      : spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
    return { exitCode: r.status, stderr: r.stderr.trimEnd() };
  };

  it.each([['the directory itself', ''], ['a directory beneath it', 'inner']])('%s: exit 3, permission denied', (_what, sub) => {
    const host = join(locked, sub);
    const r = run(['run', '--mount', `${host}:/data`, join(base, 'no-bundle')]);
    expect(r.stderr).toBe(`c2w run: --mount: host directory ${host.replace(/\/$/, '')}: permission denied (EACCES)`);
    expect(r.exitCode).toBe(3);
  });
});
