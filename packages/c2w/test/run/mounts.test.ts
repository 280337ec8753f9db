import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError, UsageError } from '@c2w/errors';
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
    await expect(parseMounts(Array.from({ length: 6 }, (_, i) => `${dir}:/m${i}`))).rejects.toThrow(/at most 5/);
  });
});
