import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildXattrsTool, toolCompiler } from '@c2w/emu-build';
import { requirePrerequisite } from '@c2w/testing';
import { readXattrRecords } from '../../src/commit/xattr-records.js';

// The guest's c2w-xattrs, built as emu-build builds it, run on the host: natively for amd64 and
// through qemu-user for riscv64; its records read by the host's parser.
const CAP = '0100000200200000000000000000000000000000';
const has = (cmd: string, args: string[]) => spawnSync(cmd, args).status === 0;

describe('c2w-xattrs (the guest helper) and readXattrRecords', () => {
  let dir: string;
  let tree: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'c2w-xattrs-'));
    tree = join(dir, 'root');
    await mkdir(join(tree, 'usr/bin'), { recursive: true });
    await mkdir(join(tree, 'empty'));
    await writeFile(join(tree, 'usr/bin/ping'), 'ping');
    await writeFile(join(tree, 'plain'), 'p');
    await symlink('ping', join(tree, 'usr/bin/link'));
    // Node has no xattr API; python3's os.setxattr is binary-safe (root sets security.* and trusted.*)
    const py = spawnSync('python3', ['-c', `
import os, sys
t = sys.argv[1]
os.setxattr(t, 'user.root', b'top')
os.setxattr(t + '/usr/bin', 'user.dir', b'\\x00\\x01')
os.setxattr(t + '/usr/bin/ping', 'user.note', b'a\\x00b\\n')
os.setxattr(t + '/usr/bin/ping', 'security.capability', bytes.fromhex('${CAP}'))
os.setxattr(t + '/plain', 'trusted.overlay.opaque', b'y')
`, tree], { encoding: 'utf8' });
    if (py.status !== 0) throw new Error(`setting xattrs failed (needs python3, root and a file system with xattrs): ${py.stderr}`);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const cases: Array<['riscv64' | 'amd64', string[]]> = [['amd64', []], ['riscv64', ['qemu-riscv64-static']]];
  it.each(cases)('%s: every xattr byte-exact, overlayfs\' own left out; two builds give the same bytes', async (arch, runner) => {
    if (!requirePrerequisite(`${toolCompiler(arch)} (Debian cross gcc)`, has(toolCompiler(arch), ['--version']))) return;
    if (runner.length && !requirePrerequisite(`${runner[0]} (Debian qemu-user-static)`, has(runner[0]!, ['--version']))) return;
    const bin = join(dir, `c2w-xattrs-${arch}`);
    await buildXattrsTool(arch, bin);
    await buildXattrsTool(arch, `${bin}.again`);
    expect(spawnSync('cmp', [bin, `${bin}.again`]).status).toBe(0);
    const [cmd, ...pre] = runner.length ? runner : [bin];
    const r = spawnSync(cmd!, [...pre, ...(runner.length ? [bin] : []), tree], { maxBuffer: 1 << 24 });
    expect(r.stderr.toString()).toBe('');
    expect(r.status).toBe(0);
    const { xattrs, tarOffset } = await readXattrRecords([r.stdout], 'test');
    expect(tarOffset).toBe(r.stdout.length);
    const hex = (v: string | undefined) => Buffer.from(v ?? '', 'latin1').toString('hex');
    expect([...xattrs.keys()].sort()).toEqual(['', 'usr/bin', 'usr/bin/ping']);
    expect(xattrs.get('')).toEqual({ 'user.root': 'top' });
    expect(hex(xattrs.get('usr/bin')!['user.dir'])).toBe('0001');
    expect(hex(xattrs.get('usr/bin/ping')!['user.note'])).toBe(Buffer.from('a\0b\n').toString('hex'));
    expect(hex(xattrs.get('usr/bin/ping')!['security.capability'])).toBe(CAP);
  });

  it('fails in one line with exit 1 for a directory that is not there', async () => {
    if (!requirePrerequisite('x86_64-linux-gnu-gcc', has(toolCompiler('amd64'), ['--version']))) return;
    const bin = join(dir, 'c2w-xattrs-missing');
    await buildXattrsTool('amd64', bin);
    const r = spawnSync(bin, [join(dir, 'nope')], { encoding: 'utf8' });
    expect(r.stderr).toBe('c2w-xattrs: open DIR failed (errno 2) at ./\n');
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
  });
});
