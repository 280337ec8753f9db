import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runBin } from '@c2w/testing';
import { c2w, convert, tmp } from './helpers/bundles.js';
import { exampleImage } from './helpers/images.js';

// `c2w run --mount HOST:GUEST[:ro]`: host directories inside the container (virtio-9p).
describe('c2w run --mount', () => {
  let bundle: string;
  let dir: string;
  let host: string;
  beforeAll(async () => {
    dir = await tmp('mount');
    bundle = await convert(await exampleImage(), join(dir, 'example'));
    host = join(dir, 'host');
    await mkdir(join(host, 'sub'), { recursive: true });
    await writeFile(join(host, 'input.txt'), 'from the host\n');
    await writeFile(join(host, 'sub', 'a'), 'a');
  });

  it('reads a host file, lists a host directory and writes a file that appears on the host', async () => {
    const r = await c2w(['run', '--mount', `${host}:/data`, bundle, '--', 'sh', '-c',
      'cat /data/input.txt && ls /data/sub && echo "made by $(uname -m)" > /data/out.txt && mkdir /data/newdir']);
    expect(r.stderr).toBe('');
    expect(r.stdout.toString()).toBe('from the host\na\n');
    expect(r.exitCode).toBe(0);
    expect(await readFile(join(host, 'out.txt'), 'utf8')).toBe('made by riscv64\n');
    expect(existsSync(join(host, 'newdir'))).toBe(true);
  });

  it('mounts two directories, one of them read-only with -v', async () => {
    const other = join(dir, 'other');
    await mkdir(other, { recursive: true });
    await writeFile(join(other, 'b.txt'), 'b\n');
    const r = await c2w(['run', '-v', `${host}:/data`, '-v', `${other}:/srv/other:ro`, bundle, '--', 'sh', '-c', 'cat /srv/other/b.txt /data/sub/a']);
    expect(r.stdout.toString()).toBe('b\na');
    expect(r.exitCode).toBe(0);
  });

  it("lets a non-root container user write to a mount (files appear as the user's)", async () => {
    const own = join(dir, 'owned');
    await mkdir(own, { recursive: true });
    const r = await c2w(['run', '-u', '1000:1000', '-v', `${own}:/work`, bundle, '--', 'sh', '-c',
      'echo "$(id -u) wrote" > /work/by-user && mkdir /work/d && stat -c %u:%g /work/by-user']);
    expect(r.stdout.toString()).toBe('1000:1000\n');
    expect(r.exitCode).toBe(0);
    expect(await readFile(join(own, 'by-user'), 'utf8')).toBe('1000 wrote\n');
  });

  it('takes the most mounts the machine has slots for, with stdin piped', async () => {
    const specs: string[] = [];
    for (let i = 0; i < 4; i++) {
      const d = join(dir, `many${i}`);
      await mkdir(d, { recursive: true });
      await writeFile(join(d, 'n'), `${i}`);
      specs.push('-v', `${d}:/m${i}`);
    }
    const r = await runBin('c2w', ['run', ...specs, bundle, '--', 'sh', '-c', 'cat /m0/n /m1/n /m2/n /m3/n; cat'], { input: '-end\n' });
    expect(r.stdout.toString()).toBe('0123-end\n');
    expect(r.exitCode).toBe(0);
  });

  it('refuses writes to a :ro mount and leaves the host directory unchanged', async () => {
    const before = (await readdir(host)).sort();
    const r = await c2w(['run', '--mount', `${host}:/data:ro`, bundle, '--', 'sh', '-c', 'cat /data/input.txt; echo x > /data/nope.txt']);
    // the container's stderr shares the guest console with its stdout
    expect(r.stdout.toString()).toMatch(/^from the host\n.*Read-only file system/s);
    expect(r.exitCode).not.toBe(0);
    expect((await readdir(host)).sort()).toEqual(before);
    expect(await readFile(join(host, 'input.txt'), 'utf8')).toBe('from the host\n');
  });

  it('rejects bad --mount syntax with a one-line usage error (exit 2)', async () => {
    for (const bad of [host, `${host}:data`, `${host}:/data:rx`]) {
      const r = await c2w(['run', '--mount', bad, bundle, '--', 'true']);
      expect(r.exitCode).toBe(2);
      expect(r.stderr.toString().trim().split('\n')).toHaveLength(1);
      expect(r.stderr.toString()).toMatch(/--mount/);
    }
  });

  it('names a missing host directory (exit 1)', async () => {
    const r = await c2w(['run', '--mount', `${join(dir, 'missing')}:/data`, bundle, '--', 'true']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr.toString().trim().split('\n')).toHaveLength(1);
    expect(r.stderr.toString()).toContain('missing');
  });
});
