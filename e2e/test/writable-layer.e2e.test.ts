import { execa } from 'execa';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { requirePrerequisite, runBin, workspaceRoot } from '@c2w/testing';
import { convert, tmp } from './helpers/bundles.js';
import { readXattrRecords } from '@c2w/c2w';
import { exampleImage, NET_RAW_CAP, xattrImage } from './helpers/images.js';

// The container's writable layer on a sparse ext4 disk (docs/decisions/0032): bounded by host disk,
// not guest RAM; kept between runs with --name; survives a killed host process.
/** e2fsck finds the state's file system consistent (after a clean run, or a killed one and a replay). */
function expectCleanFs(disk: string): void {
  if (!requirePrerequisite('e2fsck (Debian e2fsprogs)', spawnSync('e2fsck', ['-V']).status === 0)) return;
  const r = spawnSync('e2fsck', ['-fn', disk], { encoding: 'utf8' });
  expect(`${r.stdout}${r.stderr}`).not.toMatch(/fix\?|corrupt|invalid/i);
  expect(r.status).toBe(0);
}

describe('c2w run: the writable layer on a host disk', () => {
  let bundle: string;
  let home: string;
  const run = (args: string[], input = '') => runBin('c2w', ['run', ...args], { env: { C2W_STATE_HOME: home }, input });
  beforeAll(async () => {
    const dir = await tmp('wlayer');
    home = join(dir, 'state');
    bundle = await convert(await exampleImage(), join(dir, 'example'));
  });

  it('writes 1 GiB in a 256 MiB guest and removes the scratch disk afterwards', async () => {
    const r = await run(['--memory', '256M', bundle, '--', 'sh', '-c',
      // the example image links few applets: busybox runs the others; a tmpfs layer would hold 128 MiB
      'busybox dd if=/dev/zero of=/big bs=1M count=1024 2>/dev/null && busybox sync && wc -c < /big']);
    expect(r.stderr).toBe('');
    expect(r.stdout.toString()).toBe('1073741824\n');
    expect(r.exitCode).toBe(0);
    expect(await readdir(join(home, 'scratch'))).toEqual([]);
  });

  // docs/decisions/0057: a scratch disk is deleted after the run, so waiting for its flushes buys
  // nothing; a named state's disk keeps them (its journal must reach the host's disk)
  it('gives a named state\'s disk the guest\'s flushes and a scratch disk none', async () => {
    const show = ['sh', '-c', 'cat /sys/block/vd*/queue/write_cache'];
    const scratch = await run([bundle, '--', ...show]);
    expect(scratch.stdout.toString()).toMatch(/^(write through\n)+$/);
    const named = await run(['--name', 'flushed', bundle, '--', ...show]);
    expect(named.stdout.toString().match(/write back/g)).toHaveLength(1);
    expect(named.exitCode).toBe(0);
  });

  it('keeps a file installed in one run for the next with --name, deletions too', async () => {
    const first = await run(['--name', 'keep', bundle, '--', 'sh', '-c', 'echo installed > /root/local-file && rm /etc/motd && echo ok']);
    expect(first.stdout.toString()).toBe('ok\n');
    expect(first.exitCode).toBe(0);
    const second = await run(['--name', 'keep', bundle, '--', 'sh', '-c', 'cat /root/local-file; ls /etc/motd 2>&1 | grep -c "No such file"']);
    expect(second.stdout.toString()).toBe('installed\n1\n');
    expect(second.exitCode).toBe(0);
    // another run without --name starts from the image again
    const fresh = await run([bundle, '--', 'sh', '-c', 'cat /root/local-file 2>/dev/null || echo absent']);
    expect(fresh.stdout.toString()).toBe('absent\n');
    expectCleanFs(join(home, 'containers/keep/upper.ext4'));
  });

  // what the guest synced survives the kill (unsynced data dies with guest RAM, as on a power cut)
  it('leaves a usable state when the host process is killed mid-write', async () => {
    const child = execa(process.execPath, [join(workspaceRoot, 'packages/c2w/bin/run.js'), 'run', '--name', 'killed', bundle, '--', 'sh', '-c',
      'echo before > /marker && busybox sync && i=0; while :; do i=$((i+1)); busybox dd if=/dev/zero of=/f$i bs=1M count=4 2>/dev/null; busybox sync; echo $i; done'],
    { env: { C2W_STATE_HOME: home }, reject: false, stdin: 'ignore' });
    await new Promise<void>((resolve) => {
      let seen = '';
      child.stdout!.on('data', (d: Buffer) => { seen += d.toString(); if (/(^|\n)5\n/.test(seen)) resolve(); });
    });
    child.kill('SIGKILL');
    await child;
    const again = await run(['--name', 'killed', bundle, '--', 'sh', '-c', 'cat /marker; ls / | grep -c "^f[0-9]" | grep -qv "^0$" && echo files && echo after > /marker2 && cat /marker2']);
    expect(again.stderr).toBe('');
    expect(again.stdout.toString()).toBe('before\nfiles\nafter\n');
    expect(again.exitCode).toBe(0);
    expectCleanFs(join(home, 'containers/killed/upper.ext4'));
  });

  it('refuses a second run of one state at once (exit 3), and a state from another image (exit 1)', async () => {
    const holder = execa(process.execPath, [join(workspaceRoot, 'packages/c2w/bin/run.js'), 'run', '--name', 'busy', bundle, '--', 'sh', '-c', 'echo up; sleep 60'],
      { env: { C2W_STATE_HOME: home }, reject: false, stdin: 'ignore' });
    // the state is locked from before the machine starts until it stopped
    while (!existsSync(join(home, 'containers/busy/lock'))) await new Promise((r) => setTimeout(r, 100));
    const second = await run(['--name', 'busy', bundle, '--', 'true']);
    expect(second.stderr).toMatch(/^c2w run: state .*containers\/busy is in use by another c2w run \(process \d+\); one run at a time$/);
    expect(second.exitCode).toBe(3);
    holder.kill('SIGKILL');
    await holder;
    const record = join(home, 'containers/busy/state.json');
    const state = JSON.parse(await readFile(record, 'utf8'));
    state.image.rootDisks = ['sha256:' + '0'.repeat(64)];
    await writeFile(record, JSON.stringify(state));
    const other = await run(['--name', 'busy', bundle, '--', 'true']);
    expect(other.stderr).toMatch(/^c2w run: state .* belongs to another image/);
    expect(other.exitCode).toBe(1);
  });

  it('refuses guest memory the host does not have, in one line (exit 3)', async () => {
    const r = await run(['--memory', '65536G', bundle, '--', 'true']);
    expect(r.stderr).toMatch(/^c2w run: --memory: the host has \d+ MiB of memory, cannot give the guest 67108864 MiB$/);
    expect(r.exitCode).toBe(3);
  });
});

describe('c2w commit', () => {
  let bundle: string;
  let xattrImg: string;
  let dir: string;
  let home: string;
  const c2wIn = (args: string[], env: Record<string, string> = {}) => runBin('c2w', args, { env: { C2W_STATE_HOME: home, ...env } });
  beforeAll(async () => {
    dir = await tmp('commit');
    home = join(dir, 'state');
    bundle = await convert(await exampleImage(), join(dir, 'example'));
    xattrImg = await xattrImage(await exampleImage(), join(dir, 'xattr-image'));
  });

  it('writes a bundle with the changes applied (new files, deletions), which runs; the same state and epoch give the same root disk', async () => {
    const made = await c2wIn(['run', '--name', 'dev', bundle, '--', 'sh', '-c',
      // /etc removed and made again: an opaque directory, so the image's /etc/motd must not come back
      'mkdir -p /opt/app && echo hello > /opt/app/greeting && busybox cp /etc/passwd /tmp/p && rm -rf /etc && mkdir /etc && busybox cp /tmp/p /etc/passwd && echo new > /etc/only && echo done']);
    expect(made.stdout.toString()).toBe('done\n');
    expect(made.exitCode).toBe(0);
    const out = join(dir, 'committed');
    const c = await c2wIn(['commit', 'dev', out], { SOURCE_DATE_EPOCH: '1700000000' });
    expect(c.stdout.length).toBe(0);
    expect(c.exitCode).toBe(0);
    const r = await runBin('c2w', ['run', out, '--', 'sh', '-c', 'cat /opt/app/greeting; cat /etc/motd 2>/dev/null || echo gone; ls /etc'], { env: { C2W_STATE_HOME: home } });
    expect(r.stdout.toString()).toBe('hello\ngone\nonly\npasswd\n');
    expect(r.exitCode).toBe(0);
    const again = join(dir, 'again');
    expect((await c2wIn(['commit', 'dev', again], { SOURCE_DATE_EPOCH: '1700000000' })).exitCode).toBe(0);
    // the committed root keeps the bundle's root format (EROFS, convert's default)
    const bundleJson = async (d: string) => JSON.parse(await readFile(join(d, 'bundle.json'), 'utf8'));
    expect((await bundleJson(out)).disks).toEqual([{ file: 'root.erofs', readonly: true }]);
    expect((await bundleJson(again)).files['root.erofs']).toEqual((await bundleJson(out)).files['root.erofs']);
  });

  // docs/decisions/0043: the guest's c2w-xattrs dumps them binary-safe, the host adds them as PAX records
  it('keeps xattrs: a user.* the container set on a new file and the image\'s security.capability, byte-exact', async () => {
    const capBundle = await convert(xattrImg, join(dir, 'xattr'));
    const made = await c2wIn(['run', '--name', 'caps', capBundle, '--', 'sh', '-c',
      'mkdir -p /opt && echo hi > /opt/new && /usr/local/bin/setxattr /opt/new user.note hello && rm -rf /usr/local/share && mkdir /usr/local/share && echo done']);
    expect(made.stderr).toBe('');
    expect(made.stdout.toString()).toBe('done\n');
    const out = join(dir, 'xattr-committed');
    const c = await c2wIn(['commit', 'caps', out]);
    expect(c.stderr).toMatch(/root\.erofs: \d+ entries, 2 with xattrs/);
    expect(c.exitCode).toBe(0);
    // the image's own xattrs reader (c2w-xattrs built for riscv64) dumps the whole root, hex through od
    const r = await runBin('c2w', ['run', out, '--', 'sh', '-c', 'busybox getfattr -n user.note /opt/new; /usr/local/bin/xattrs / | busybox od -An -v -tx1'], { env: { C2W_STATE_HOME: home } });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const [text, ...dump] = r.stdout.toString().split(/(?<=user\.note="hello"\n)/);
    expect(text).toMatch(/^(# file: \/?opt\/new\n)?user\.note="hello"\n$/);
    const bytes = Buffer.from(dump.join('').replace(/\s+/g, ''), 'hex');
    const { xattrs } = await readXattrRecords([bytes], 'committed root');
    const hex = (v: string | undefined) => Buffer.from(v ?? '', 'latin1').toString('hex');
    expect(hex(xattrs.get('usr/local/bin/xattrs')?.['security.capability'])).toBe(NET_RAW_CAP.toString('hex'));
    expect(xattrs.get('opt/new')).toEqual({ 'user.note': 'hello' });
    // the opaque /usr/local/share was trusted.overlay.opaque in the upper layer: none of overlayfs' own leak
    expect([...xattrs.values()].flatMap((x) => Object.keys(x)).filter((n) => n.startsWith('trusted.'))).toEqual([]);
  });

  it('commits an ISO bundle to ISO, saying which xattrs an ISO root cannot keep', async () => {
    const isoBundle = await convert(xattrImg, join(dir, 'xattr-iso'), ['--root-format', 'iso']);
    expect((await c2wIn(['run', '--name', 'iso', isoBundle, '--', 'sh', '-c', 'echo hi > /new && /usr/local/bin/setxattr /new user.k v'])).exitCode).toBe(0);
    const out = join(dir, 'iso-committed');
    const c = await c2wIn(['commit', 'iso', out]);
    expect(c.stderr).toMatch(/root\.iso cannot carry xattrs: 1 file\(s\) lose theirs/);
    expect(c.exitCode).toBe(0);
    expect(JSON.parse(await readFile(join(out, 'bundle.json'), 'utf8')).disks).toEqual([{ file: 'root.iso', readonly: true }]);
    const r = await runBin('c2w', ['run', out, '--', 'cat', '/new'], { env: { C2W_STATE_HOME: home } });
    expect(r.stdout.toString()).toBe('hi\n');
  });

  it('refuses a name that has no state (exit 1) and an existing OUT (exit 2), leaving nothing', async () => {
    const none = await c2wIn(['commit', 'nothing-here', join(dir, 'x')]);
    expect(none.stderr).toMatch(/^c2w commit: .*containers\/nothing-here is not a c2w container state/);
    expect(none.exitCode).toBe(1);
    const exists = await c2wIn(['commit', 'dev', bundle]);
    expect(exists.exitCode).toBe(2);
    expect((await readdir(dir)).filter((n) => n.includes('tmp'))).toEqual([]);
  });
});
