import { PassThrough } from 'node:stream';
import { InputError } from '@c2w/errors';
import { readTar } from '@c2w/streams';
import { listTar, makeTar, type FixtureEntry } from '@c2w/testing';
import { planSlim, writeSlim } from '../src/slim.js';
import { chunked, slim, slimTar, tree } from './slim-fixture.js';

const varied: FixtureEntry[] = [
  { name: './', type: 'directory' },
  { name: './usr/', type: 'directory', mode: 0o755, uid: 0, gid: 0, mtime: 1700000000 },
  { name: './usr/share/doc/a/README', body: 'doc', mtime: 5 },
  { name: `./usr/${'long/'.repeat(30)}file`, body: 'x', uid: 1000, gid: 1000 },
  { name: './usr/bin/tool', body: '#!/bin/sh\necho hi\n', mode: 0o755 },
  { name: './usr/bin/tool2', body: '#!/bin/sh\necho hi\n', mode: 0o755 },
  { name: './usr/bin/t', type: 'symlink', linkname: 'tool' },
  { name: './usr/bin/hard', type: 'link', linkname: './usr/bin/tool' },
  { name: './dev/null', type: 'character-device', devmajor: 1, devminor: 3, mode: 0o666 },
  { name: './x', body: 'xattr', pax: { 'SCHILY.xattr.user.k': 'v' } },
  { name: './p', type: 'fifo' },
];

describe('planSlim + writeSlim', () => {
  it('with profile none (no rule, no dedupe) the output equals the input entry by entry', async () => {
    const input = await makeTar(varied);
    const { tar, report } = await slimTar(input, { profile: 'none' });
    expect(await listTar(tar)).toEqual(await listTar(input));
    expect(report.output).toEqual(report.input);
  });

  it('turns later identical files into hardlinks to the first, and saves their bytes', async () => {
    const { entries, report } = await slim([
      { name: 'usr/a', body: 'same', mode: 0o644 }, { name: 'usr/b', body: 'same', mode: 0o644 },
      { name: 'usr/c', body: 'same', mode: 0o600 }, { name: 'usr/d', body: 'same', mtime: 9 },
      { name: 'usr/e', body: 'same', pax: { 'SCHILY.xattr.user.k': 'v' } }, { name: 'etc/f', body: 'same' },
      { name: 'usr/empty1', body: '' }, { name: 'usr/empty2', body: '' },
    ], { profile: 'safe' });
    expect(entries.map((e) => [e.name, e.type, e.linkname ?? ''])).toEqual([
      ['usr/a', 'file', ''], ['usr/b', 'link', 'usr/a'], ['usr/c', 'file', ''], ['usr/d', 'file', ''],
      ['usr/e', 'file', ''], ['etc/f', 'file', ''], ['usr/empty1', 'file', ''], ['usr/empty2', 'file', ''],
    ]);
    expect(report.dedupe).toEqual({ enabled: true, ignoreMtime: false, hardlinks: 1, bytesSaved: 4 });
  });

  it('links to targets with names longer than a ustar header holds', async () => {
    const long = `usr/${'d'.repeat(120)}/${'f'.repeat(120)}`;
    const { entries } = await slim([{ name: long, body: 'same' }, { name: `${long}2`, body: 'same' }], { profile: 'safe' });
    expect(entries.map((e) => [e.name, e.type, e.linkname ?? ''])).toEqual([[long, 'file', ''], [`${long}2`, 'link', long]]);
  });

  it('--dedupe-ignore-mtime also links files whose mtimes differ', async () => {
    const { entries } = await slim([{ name: 'usr/a', body: 'same' }, { name: 'usr/d', body: 'same', mtime: 9 }], { profile: 'safe', dedupeIgnoreMtime: true });
    expect(entries.map((e) => e.type)).toEqual(['file', 'link']);
  });

  it('never links a path that occurs twice (the later one wins on extraction)', async () => {
    const { entries } = await slim([{ name: 'usr/a', body: 'same' }, { name: 'usr/b', body: 'same' }, { name: 'usr/a', body: 'other' }], { profile: 'safe' });
    expect(entries.map((e) => e.type)).toEqual(['file', 'file', 'file']);
  });

  it('keeps metadata of survivors exactly', async () => {
    const input = await makeTar(varied);
    const { entries } = await slimTar(input, { profile: 'aggressive', dedupe: false });
    const before = await listTar(input);
    expect(entries).toEqual(before.filter((e) => e.name !== './usr/share/doc/a/README'));
  });

  it('writes identical bytes for the same input, whatever the chunking', async () => {
    const input = await makeTar([...varied, ...tree('usr/share/locale/de/LC_MESSAGES/x.mo', 'usr/lib/__pycache__/m.pyc')]);
    const [a, b] = await Promise.all([slimTar(input, { profile: 'aggressive' }), slimTar(input, { profile: 'aggressive' }, 65536)]);
    expect(a.tar.equals(b.tar)).toBe(true);
  });

  it('refuses names that escape the root and hardlinks that do', async () => {
    await expect(slim([{ name: '../x', body: 'x' }], { profile: 'safe' })).rejects.toThrow(/escapes the root/);
    await expect(slim([{ name: 'x', type: 'link', linkname: '../../y' }], { profile: 'safe' })).rejects.toBeInstanceOf(InputError);
  });

  it('fails on a truncated tar before writing anything', async () => {
    const input = await makeTar(tree('usr/a', 'usr/b'));
    const cut = input.subarray(0, 700);
    await expect(planSlim(readTar(chunked(cut)), { profile: 'safe' })).rejects.toBeInstanceOf(InputError);
  });

  it('refuses an input that changed between the passes', async () => {
    const plan = await planSlim(readTar(chunked(await makeTar(tree('usr/a')))), { profile: 'safe' });
    const out = new PassThrough();
    out.resume();
    await expect(writeSlim(readTar(chunked(await makeTar(tree('usr/b')))), plan, out)).rejects.toThrow(/changed between passes/);
  });
});

describe('planSlim options', () => {
  it('refuses invalid options as a usage error', async () => {
    await expect(planSlim(readTar(chunked(await makeTar([]))), { profile: 'safe', remove: [''] })).rejects.toThrow(/invalid option remove.0/);
  });
});
