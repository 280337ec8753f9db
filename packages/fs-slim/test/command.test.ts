import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, mkdtemp as makeTemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsSlimReport } from '@c2w/artifacts';
import { listTar, makeTar, mountSmallDisk, runBin, type BinResult, type FixtureEntry, type SmallDisk } from '@c2w/testing';
import { tree } from './slim-fixture.js';

const temps: string[] = [];
async function mkdtemp(prefix: string): Promise<string> {
  const dir = await makeTemp(prefix);
  temps.push(dir);
  return dir;
}
afterAll(async () => { await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true }))); });

describe('fs-slim (the bin)', () => {
  it('reads stdin, writes stdout, and prints a summary on stderr', async () => {
    const input = await makeTar(tree('usr/share/doc/a/README', 'usr/bin/x'));
    const res = await runBin('fs-slim', ['-', '-'], { input });
    expect(res.exitCode).toBe(0);
    expect((await listTar(res.stdout)).map((e) => e.name)).toEqual(['usr/', 'usr/share/', 'usr/share/doc/', 'usr/share/doc/a/', 'usr/bin/', 'usr/bin/x']);
    expect(res.stderr).toMatch(/^fs-slim: profile safe: .* 1 of 2 files removed/);
  });

  it('--dry-run writes only the report, which validates against its schema', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'c2w-fs-slim-'));
    await writeFile(join(dir, 'in.tar'), await makeTar(tree('usr/share/doc/a/README')));
    const res = await runBin('fs-slim', ['--dry-run', join(dir, 'in.tar')]);
    expect(res.exitCode).toBe(0);
    const report = FsSlimReport.parse(JSON.parse(res.stdout.toString()));
    expect(report).toMatchObject({ dryRun: true, removed: [{ id: 'docs', files: 1 }] });
    expect(await readdir(dir)).toEqual(['in.tar']);
  });

  it('exits 1 on a truncated tar and leaves no output', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'c2w-fs-slim-'));
    const tar = await makeTar([{ name: 'usr/a', body: 'x'.repeat(5000) }, { name: 'usr/b', body: 'y' }]);
    await writeFile(join(dir, 'in.tar'), tar.subarray(0, 2048)); // cut inside a body
    const res = await runBin('fs-slim', [join(dir, 'in.tar'), join(dir, 'out.tar'), '--report', join(dir, 'r.json')]);
    expect(res.exitCode).toBe(1);
    expect(res.stderr).toMatch(/^fs-slim: input tar is truncated/);
    expect(await readdir(dir)).toEqual(['in.tar']);
  });

  it('exits 2 on a bad invocation and 1 on a bad image config', async () => {
    expect((await runBin('fs-slim', ['--profile', 'extreme'])).exitCode).toBe(2);
    expect((await runBin('fs-slim', ['--dry-run', '-', 'out.tar'], { input: '' })).exitCode).toBe(2);
    const dir = await mkdtemp(join(tmpdir(), 'c2w-fs-slim-'));
    await writeFile(join(dir, 'config.json'), '{"Cmd": []}');
    const res = await runBin('fs-slim', ['--keep-from', join(dir, 'config.json')], { input: '' });
    expect(res.exitCode).toBe(1);
    expect(res.stderr).toMatch(/not an OCI image config/);
    expect(await readFile(join(dir, 'config.json'), 'utf8')).toBe('{"Cmd": []}');
  });
});

/** An OCI image config as `layer-flatten --config-out` writes it, with the given runtime part. */
async function imageConfig(dir: string, config: Record<string, unknown>): Promise<string> {
  const path = join(dir, 'image-config.json');
  await writeFile(path, JSON.stringify({ architecture: 'amd64', os: 'linux', config, rootfs: { type: 'layers', diff_ids: [] } }));
  return path;
}

const survivors = (entries: Array<{ name: string; type: string }>) => entries.filter((e) => e.type !== 'directory').map((e) => e.name);

describe('fs-slim --keep-from (the bin)', () => {
  it("keeps what the image's Entrypoint and Cmd name, which the rules would remove", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'c2w-fs-slim-'));
    const entries: FixtureEntry[] = [
      ...tree('usr/share/doc/tool/README', 'usr/share/doc/other/README', 'usr/bin/python3.11',
        'usr/lib/python3/dist-packages/pkg/__init__.py', 'usr/lib/python3/dist-packages/pkg/tests/test_x.py',
        'usr/lib/python3/dist-packages/pkg/tests/data.json', 'usr/lib/python3/dist-packages/pkg/tests/helper.py'),
      { name: 'usr/bin/env', body: 'env', mode: 0o755 },
      { name: 'usr/bin/python3', type: 'symlink', linkname: 'python3.11' },
      // the entrypoint is a script kept in a docs directory; its interpreter comes through env
      { name: 'usr/share/doc/tool/run.sh', body: '#!/usr/bin/env python3\nprint("hi")\n', mode: 0o755 },
    ];
    await writeFile(join(dir, 'in.tar'), await makeTar(entries));
    const config = await imageConfig(dir, {
      Env: ['PATH=/usr/bin'], WorkingDir: '/usr/lib/python3/dist-packages',
      Entrypoint: ['/usr/share/doc/tool/run.sh'], Cmd: ['--data', 'pkg/tests/data.json', '--', 'sh', '-c', 'python3 pkg/tests/helper.py'],
    });
    const args = ['--profile', 'aggressive', '--no-dedupe', join(dir, 'in.tar'), join(dir, 'out.tar')];
    const without = await runBin('fs-slim', args);
    expect(without.exitCode).toBe(0);
    expect(survivors(await listTar(await readFile(join(dir, 'out.tar'))))).toEqual([
      'usr/bin/python3.11', 'usr/lib/python3/dist-packages/pkg/__init__.py', 'usr/bin/env', 'usr/bin/python3',
    ]);
    const withConfig = await runBin('fs-slim', ['--keep-from', config, '--report', join(dir, 'report.json'), ...args]);
    expect(withConfig.exitCode).toBe(0);
    expect(survivors(await listTar(await readFile(join(dir, 'out.tar'))))).toEqual([
      'usr/bin/python3.11', 'usr/lib/python3/dist-packages/pkg/__init__.py', 'usr/lib/python3/dist-packages/pkg/tests/data.json',
      'usr/lib/python3/dist-packages/pkg/tests/helper.py', 'usr/bin/env', 'usr/bin/python3', 'usr/share/doc/tool/run.sh',
    ]);
    const report = FsSlimReport.parse(JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')));
    expect(report.protected.find((p) => p.id === 'image-command')).toMatchObject({ files: 3 });
  });

  it("keeps the locales of the image's LANG (de_DE.UTF-8: de_DE and de) and removes the others", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'c2w-fs-slim-'));
    await writeFile(join(dir, 'in.tar'), await makeTar(tree(
      'usr/share/locale/de/LC_MESSAGES/coreutils.mo', 'usr/share/locale/de_DE/LC_MESSAGES/coreutils.mo',
      'usr/share/locale/de_AT/LC_MESSAGES/coreutils.mo', 'usr/share/locale/fr/LC_MESSAGES/coreutils.mo',
      'usr/share/locale/pt_BR/LC_MESSAGES/coreutils.mo', 'usr/share/locale/locale.alias',
      'usr/lib/locale/de_DE.utf8/LC_CTYPE', 'usr/lib/locale/fr_FR.utf8/LC_CTYPE', 'usr/lib/locale/C.utf8/LC_CTYPE',
    )));
    const config = await imageConfig(dir, { Env: ['PATH=/usr/bin', 'LANG=de_DE.UTF-8'], Cmd: ['/bin/sh'] });
    const res = await runBin('fs-slim', ['--keep-from', config, join(dir, 'in.tar'), join(dir, 'out.tar')]);
    expect(res.exitCode).toBe(0);
    expect(survivors(await listTar(await readFile(join(dir, 'out.tar'))))).toEqual([
      'usr/share/locale/de/LC_MESSAGES/coreutils.mo', 'usr/share/locale/de_DE/LC_MESSAGES/coreutils.mo',
      'usr/share/locale/locale.alias', 'usr/lib/locale/de_DE.utf8/LC_CTYPE', 'usr/lib/locale/C.utf8/LC_CTYPE',
    ]);
  });
});

// Every member of a tar as Python's tarfile sees it: all header fields, every PAX record (values as
// bytes, through surrogateescape) and a sha256 of the body bytes.
const DESCRIBE_TAR = `
import hashlib, json, sys, tarfile
out = []
with tarfile.open(sys.argv[1], encoding='utf-8', errors='surrogateescape') as t:
    for m in t:
        f = t.extractfile(m) if m.isreg() else None
        out.append({'name': m.name.encode('utf-8', 'surrogateescape').hex(), 'type': m.type.decode(), 'mode': m.mode,
                    'uid': m.uid, 'gid': m.gid, 'uname': m.uname, 'gname': m.gname, 'mtime': str(m.mtime), 'size': m.size,
                    'linkname': m.linkname, 'dev': [m.devmajor, m.devminor],
                    'pax': {k: v.encode('utf-8', 'surrogateescape').hex() for k, v in sorted(m.pax_headers.items())},
                    'sha256': hashlib.sha256(f.read()).hexdigest() if f else None})
json.dump(out, sys.stdout)
`;

describe('fs-slim --profile none (the bin) on a real tree', () => {
  it('writes back every entry of a GNU tar of /usr/share/perl: headers, PAX records, owners names, body bytes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'c2w-fs-slim-'));
    // beside the host tree: what /usr/share/perl lacks (binary xattrs, setuid, uid 1000, links, a fifo)
    const extra = join(dir, 'extra');
    await mkdir(join(extra, `${'long-directory-name-'.repeat(6)}`), { recursive: true });
    await writeFile(join(extra, `${'long-directory-name-'.repeat(6)}`, 'file-with-a-long-path'), Buffer.from([0, 0xff, 0x80, 10]));
    await writeFile(join(extra, 'ping'), 'ping');
    await chmod(join(extra, 'ping'), 0o4755);
    await link(join(extra, 'ping'), join(extra, 'ping6'));
    await symlink('ping', join(extra, 'ping-link'));
    execFileSync('mkfifo', [join(extra, 'fifo')]);
    execFileSync('chown', ['1000:1000', join(extra, 'ping6')]);
    execFileSync('python3', ['-c', `import os, sys
os.setxattr(sys.argv[1], 'security.capability', bytes.fromhex('0100000280200000ff00000000000000c3280000'))
os.setxattr(sys.argv[1], 'user.all-bytes', bytes(range(256)))`, join(extra, 'ping')]);
    const input = join(dir, 'in.tar');
    execFileSync('tar', ['--format=pax', '--xattrs', '--xattrs-include=*', '-cf', input, '-C', '/usr/share', 'perl', '-C', dir, 'extra']);
    const res = await runBin('fs-slim', ['--profile', 'none', input, join(dir, 'out.tar')]);
    expect(res.exitCode).toBe(0);
    expect(res.stderr).toMatch(/^fs-slim: profile none: [^\n]*$/);   // the summary alone (no listener-leak warning)
    const describe = (tar: string) => JSON.parse(execFileSync('python3', ['-c', DESCRIBE_TAR, tar], { encoding: 'utf8', maxBuffer: 1 << 28 })) as Array<Record<string, unknown>>;
    const before = describe(input);
    const after = describe(join(dir, 'out.tar'));
    expect(before.length).toBeGreaterThan(1000);
    expect(before.filter((e) => Object.keys(e['pax'] as object).some((k) => k.startsWith('SCHILY.xattr.'))).length).toBe(1);
    expect(after).toEqual(before);
  });
});

/**
 * Failures through the bin: each is one line with its exit code, and leaves no output and no
 * temporary file (a 20 MiB tmpfs stands for a full disk).
 */
describe('fs-slim (the bin) when things go wrong', () => {
  let dir: string;
  let big: string;
  let disk: SmallDisk | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'c2w-fs-slim-fail-'));
    big = join(dir, 'big.tar');
    // 24 MiB of incompressible files, more than the disk holds
    await writeFile(big, await makeTar([0, 1, 2].map((i) => ({ name: `usr/lib/f${i}`, body: randomBytes(8 << 20) }))));
    disk = mountSmallDisk(20);
  });
  afterEach(async () => { if (disk) for (const f of await readdir(disk.dir)) await rm(join(disk.dir, f)); });
  afterAll(() => { disk?.unmount(); });

  function expectOneLine(res: BinResult, code: number, line: string | RegExp): void {
    if (typeof line === 'string') expect(res.stderr).toBe(line);
    else expect(res.stderr).toMatch(line);
    expect(res.exitCode).toBe(code);
  }

  it.each([['--keep', 'usr/lib/f1'], ['--remove', 'usr/lib/f1']])('%s GLOB IN OUT keeps IN and OUT as positionals', async (flag, glob) => {
    const out = join(dir, `positional${flag}.tar`);
    const res = await runBin('fs-slim', [flag, glob, big, out]);
    expect(res.exitCode).toBe(0);
    expect(res.stdout.length).toBe(0);
    const names = (await listTar(await readFile(out))).map((e) => e.name);
    expect(names.includes('usr/lib/f1')).toBe(flag === '--keep');
    await rm(out);
  });

  it('--report in a missing directory: exit 3 before reading the input, no OUT', async () => {
    const out = join(dir, 'report-missing.tar');
    // stdin stays open and empty: reading it first would hang, so an answer proves the order
    const res = await runBin('fs-slim', ['--report', join(dir, 'missing', 'r.json'), '-', out], { keepStdinOpen: true });
    expectOneLine(res, 3, `fs-slim: cannot create report ${dir}/missing/r.json: ENOENT`);
    expect(await readdir(dir)).toEqual(['big.tar']);
  });

  it('OUT on a full disk: exit 3 naming OUT, nothing left', async () => {
    if (!disk) return;
    const res = await runBin('fs-slim', [big, join(disk.dir, 'out.tar')]);
    expectOneLine(res, 3, `fs-slim: writing output tar ${disk.dir}/out.tar failed: ENOSPC`);
    expect(await readdir(disk.dir)).toEqual([]);
  });

  it('--report on a full disk after the whole tar is written: exit 3, and no OUT either', async () => {
    if (!disk) return;
    await disk.fill();
    const out = join(dir, 'late-report.tar');
    const res = await runBin('fs-slim', ['--report', join(disk.dir, 'r.json'), big, out]);
    expectOneLine(res, 3, `fs-slim: writing report ${disk.dir}/r.json failed: ENOSPC`);
    expect(await readdir(disk.dir)).toEqual(['.fill']);
    expect(await readdir(dir)).toEqual(['big.tar']);
  });

  it('stdin spooled into a full TMPDIR: exit 3 naming the spool file there', async () => {
    if (!disk) return;
    const res = await runBin('fs-slim', ['-', join(dir, 'spooled.tar')], { inputFile: big, env: { TMPDIR: disk.dir } });
    expectOneLine(res, 3, new RegExp(`^fs-slim: writing spool file ${disk.dir}/\\.c2w-spool-\\S+ failed: ENOSPC$`));
    expect(await readdir(disk.dir)).toEqual([]);
    expect(await readdir(dir)).toEqual(['big.tar']);
  });

  it('stdout redirected onto a full disk: exit 3, one line, no stack', async () => {
    if (!disk) return;
    const res = await runBin('fs-slim', [big], { stdoutFile: join(disk.dir, 'redirected.tar') });
    expectOneLine(res, 3, 'fs-slim: writing standard output failed: ENOSPC');
  });

  it('refuses an input without entries (a failed stage upstream) unless --allow-empty', async () => {
    for (const input of [Buffer.alloc(0), await makeTar([])]) {
      const refused = await runBin('fs-slim', ['-', join(dir, 'empty.tar')], { input });
      expectOneLine(refused, 1, 'fs-slim: no entries in stdin: expected a tar with at least one entry (--allow-empty accepts an empty one)');
      expect(await readdir(dir)).toEqual(['big.tar']);
    }
    const allowed = await runBin('fs-slim', ['--allow-empty', '-', '-'], { input: '' });
    expect(allowed.exitCode).toBe(0);
    expect(await listTar(allowed.stdout)).toEqual([]);
  });
});
