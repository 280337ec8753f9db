import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { requirePrerequisite, workspaceRoot } from '@c2w/testing';
import { c2w, convert, tmp } from './helpers/bundles.js';
import { amd64ExampleImage, exampleImage, pythonImage } from './helpers/images.js';

// out.wasm booted at conversion (the default of c2w convert IMAGE out.wasm for riscv64, docs/decisions/0038 and 0041):
// the same run requests as the cold module's (single-file.e2e.test.ts), on the same hosts, plus
// what only a snapshot can get wrong: runs that share state, the clock, the bytes of two conversions.
const RUNNER = `import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';
const [file, ...args] = process.argv.slice(2);
const wasi = new WASI({
  version: 'preview1', args: ['out.wasm', ...args], returnOnExit: true,
  env: JSON.parse(process.env.WASI_ENV ?? '{}'), preopens: JSON.parse(process.env.WASI_PREOPENS ?? '{}'),
});
// WASI_NO_RANDOM: a host without randomness (random_get answers EIO), to see where the guest's comes from
const imports = { ...wasi.wasiImport, ...(process.env.WASI_NO_RANDOM ? { random_get: () => 29 } : {}) };
const instance = await WebAssembly.instantiate(await WebAssembly.compile(await readFile(file)), { wasi_snapshot_preview1: imports });
process.exitCode = wasi.start(instance);
`;

interface Run { stdout: string; stderr: string; exitCode: number }
interface RunOptions { env?: Record<string, string>; options?: string[]; preopens?: Record<string, string>; input?: string; noRandom?: boolean }
type Host = (wasm: string, args: string[], o?: RunOptions) => Promise<Run>;

const require = createRequire(import.meta.url);
const bunPath = join(dirname(require.resolve('bun/package.json')), 'bin/bun.exe');
let runner = '';
const stdinOf = (o: RunOptions) => (o.input !== undefined ? { input: o.input } : { stdin: 'ignore' as const });
const viaRunner = (engine: string[]): Host => async (wasm, args, o = {}) => {
  const r = await execa(engine[0]!, [...engine.slice(1), runner, wasm, ...(o.options ?? []), '--', ...args], {
    reject: false, stripFinalNewline: false,
    env: { WASI_ENV: JSON.stringify(o.env ?? {}), WASI_PREOPENS: JSON.stringify(o.preopens ?? {}), ...(o.noRandom ? { WASI_NO_RANDOM: '1' } : {}) },
    ...stdinOf(o),
  });
  return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode ?? -1 };
};
const viaC2wRun: Host = async (wasm, args, o = {}) => {
  const flags = [...Object.entries(o.env ?? {}).flatMap(([k, v]) => ['-e', `${k}=${v}`]), ...(o.options ?? []), ...Object.entries(o.preopens ?? {}).flatMap(([g, h]) => ['--mount', `${h}:${g}`])];
  const r = await execa(process.execPath, [join(workspaceRoot, 'packages/c2w/bin/run.js'), 'run', ...flags, wasm, '--', ...args], {
    reject: false, stripFinalNewline: false, ...stdinOf(o),
  });
  return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode ?? -1 };
};
const hosts: Array<[string, Host, string[]]> = [
  ['node:wasi runner', viaRunner([process.execPath, '--no-warnings']), []],
  ['Bun (JavaScriptCore)', viaRunner([bunPath]), ['--stdin=pipe']],
  ['c2w run', viaC2wRun, []],
];
const node = hosts[0]![1];
/** The kernel's credited entropy (256: its crng is seeded) and 16 bytes of /dev/urandom. */
const draw = 'cat /proc/sys/kernel/random/entropy_avail; head -c 16 /dev/urandom | od -An -tx1';

describe('c2w convert IMAGE out.wasm, pre-booted (--snapshot, the default)', () => {
  let dir: string;
  let image: string;
  let wasm: string;
  beforeAll(async () => {
    dir = await tmp('snapshot');
    runner = join(dir, 'runner.mjs');
    await writeFile(runner, RUNNER);
    image = await exampleImage();
    // the default for a riscv64 image's one .wasm (ADR 0041)
    wasm = await convert(image, join(dir, 'out.wasm'));
  });

  it('gives the same bytes for the same image and SOURCE_DATE_EPOCH (the boot under wizer repeats exactly)', async () => {
    const env = { ...process.env, SOURCE_DATE_EPOCH: '1700000000' };
    const outs = [join(dir, 'a.wasm'), join(dir, 'b.wasm')];
    for (const out of outs) {
      const r = await execa(process.execPath, [join(workspaceRoot, 'packages/c2w/bin/run.js'), 'convert', '--snapshot', `oci:${image}:latest`, out], { env, reject: false });
      expect(r.exitCode).toBe(0);
    }
    const [a, b] = await Promise.all(outs.map((o) => readFile(o)));
    expect(a!.length).toBeGreaterThan(1 << 20);
    expect(a!.equals(b!)).toBe(true);
  });

  it('holds the booted machine: it differs from the cold module of the same image, which still converts', async () => {
    const cold = await convert(image, join(dir, 'cold.wasm'), ['--no-snapshot']);
    const [s, c] = await Promise.all([readFile(wasm), readFile(cold)]);
    expect(s.equals(c)).toBe(false);
    expect((await node(cold, ['echo', 'cold'])).stdout).toBe('cold\n');
    // the cold boot is seeded from the host's random_get too (the device tree's rng-seed, credited)
    const [a, b] = [await node(cold, ['sh', '-c', draw]), await node(cold, ['sh', '-c', draw])];
    expect(a.stdout).toMatch(/^256\n( [0-9a-f]{2}){16}\n$/);
    expect(a.stdout).not.toBe(b.stdout);
  });

  // ADR 0041: the snapshot's kernel has an unseeded crng; each run's host randomness (random_get,
  // through virtio-rng) seeds it before the container starts
  it("seeds the guest kernel's random pool from each run's host randomness before the container starts", async () => {
    const [a, b] = [await node(wasm, ['sh', '-c', draw]), await node(wasm, ['sh', '-c', draw])];
    for (const r of [a, b]) {
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toMatch(/^256\n( [0-9a-f]{2}){16}\n$/);
    }
    expect(a.stdout).not.toBe(b.stdout);
  });

  it('refuses to run on a host that gives no random bytes, rather than reuse the snapshot\'s state', async () => {
    const r = await node(wasm, ['echo', 'never'], { noRandom: true });
    expect(r.stdout).toBe('');
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/the host gave no random bytes/);
  });

  it('refuses a fifth preopened directory on a pre-booted module (its entropy device holds that slot)', async () => {
    const preopens = Object.fromEntries(await Promise.all([1, 2, 3, 4, 5].map(async (i) => [`/m${i}`, await tmp(`snapshot-m${i}`)])));
    const r = await node(wasm, ['true'], { preopens });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/at most 4; convert with --no-snapshot for 5/);
  });

  it('refuses --snapshot for a bundle directory with a usage error', async () => {
    const r = await c2w(['convert', '--snapshot', `oci:${image}:latest`, join(dir, 'bundle')]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/--snapshot: only for one \.wasm/);
  });

  it('keeps two runs of one module apart: files, request and clock are each run\'s own', async () => {
    const first = await node(wasm, ['sh', '-c', 'echo one > /marker; cat /marker; date +%s'], { env: { RUN: 'first' } });
    const second = await node(wasm, ['sh', '-c', 'cat /marker 2>/dev/null || echo clean; echo "$RUN"; date +%s'], { env: { RUN: 'second' } });
    expect(first.exitCode).toBe(0);
    expect(second.exitCode).toBe(0);
    const [one, t1] = first.stdout.split('\n');
    const [clean, run, t2] = second.stdout.split('\n');
    expect([one, clean, run]).toEqual(['one', 'clean', 'second']);
    // the guest's wall clock is the host's at each run, not the conversion's
    const now = Date.now() / 1000;
    for (const t of [t1, t2]) expect(Math.abs(Number(t) - now)).toBeLessThan(120);
  });

  it('writes a pre-booted split set (--format wasm-split) that the Node loader runs', async () => {
    const set = await convert(image, join(dir, 'split'), ['--snapshot', '--format', 'wasm-split']);
    const manifest = JSON.parse(await readFile(join(set, 'split.json'), 'utf8')) as { data: unknown[] };
    expect(manifest.data.length).toBeGreaterThan(0);
    const r = await viaC2wRun(set, ['sh', '-c', 'echo "$((6 * 7))"; exit 3']);
    expect(r.stdout).toBe('42\n');
    expect(r.exitCode).toBe(3);
  });

  it('runs python3 from a Debian image converted with --snapshot (node:wasi runner)', async () => {
    const py = await convert(await pythonImage(), join(dir, 'python.wasm'), ['--snapshot']);
    const r = await node(py, ['python3', '-c', 'import json, sys; print(json.dumps(sys.argv[1:])); sys.exit(5)', 'two words', "it's"]);
    expect(r.stdout).toBe('["two words", "it\'s"]\n');
    expect(r.exitCode).toBe(5);
    // getrandom(2) right after the resume: each run's own bytes
    const getrandom = () => node(py, ['python3', '-c', 'import os; print(os.getrandom(16).hex())']);
    const [a, b] = [await getrandom(), await getrandom()];
    expect(a.stdout).toMatch(/^[0-9a-f]{32}\n$/);
    expect(a.stdout).not.toBe(b.stdout);
  });

  describe.each(hosts)('on %s', (name, run, stdinFlags) => {
    beforeAll(() => {
      if (name.startsWith('Bun')) requirePrerequisite(`bun from npm at ${bunPath}`, existsSync(bunPath));
    });
    const skip = () => name.startsWith('Bun') && !existsSync(bunPath);

    it('prints exactly hello\\n for echo hello', async () => {
      if (skip()) return;
      const r = await run(wasm, ['echo', 'hello']);
      expect(r.stdout).toBe('hello\n');
      expect(r.exitCode).toBe(0);
    });

    it("passes the container's exit status through", async () => {
      if (skip()) return;
      expect((await run(wasm, ['sh', '-c', 'exit 7'])).exitCode).toBe(7);
    });

    it('hands the host environment and -e, --entrypoint, -w, -u to the container', async () => {
      if (skip()) return;
      const r = await run(wasm, ['-c', 'echo "$FIRST $SECOND $(pwd) $(id -u)"'], {
        env: { FIRST: 'one' }, options: ['-e', 'SECOND=two', '--entrypoint', '/bin/sh', '-w', '/tmp', '-u', '1000:1000'],
      });
      expect(r.stdout).toBe('one two /tmp 1000\n');
      expect(r.exitCode).toBe(0);
    });

    it('feeds piped stdin to cat, which ends where the input ends', async () => {
      if (skip()) return;
      const r = await run(wasm, ['cat'], { options: stdinFlags, input: 'line one\nline two\n' });
      expect(r.stdout).toBe('line one\nline two\n');
      expect(r.exitCode).toBe(0);
    });

    it('mounts a preopened host directory at its guest path (a share bound at resume)', async () => {
      if (skip()) return;
      const shared = await tmp('snapshot-share');
      await writeFile(join(shared, 'from-host.txt'), 'host data\n');
      const r = await run(wasm, ['sh', '-c', 'cat /data/from-host.txt && echo guest > /data/from-guest.txt'], { preopens: { '/data': shared } });
      expect(r.stdout).toBe('host data\n');
      expect(r.exitCode).toBe(0);
      expect(await readFile(join(shared, 'from-guest.txt'), 'utf8')).toBe('guest\n');
    });
  });
});

// amd64 images on the x86_64 machine, pre-booted by default too (docs/decisions/0049): the board
// pauses at the same wait; each run draws its own randomness (virtio-rng and RDRAND) and clock.
describe('c2w convert AMD64-IMAGE out.wasm, pre-booted on the x86_64 machine (the default)', () => {
  let dir: string;
  let wasm: string;
  beforeAll(async () => {
    dir = await tmp('snapshot-x86');
    runner = join(dir, 'runner.mjs');
    await writeFile(runner, RUNNER);
    wasm = await convert(await amd64ExampleImage(), join(dir, 'out.wasm'));
  });

  it('gives the same bytes for the same image and SOURCE_DATE_EPOCH (RDRAND, the clocks and the entropy device repeat while booting)', async () => {
    const env = { ...process.env, SOURCE_DATE_EPOCH: '1700000000' };
    const outs = [join(dir, 'a.wasm'), join(dir, 'b.wasm')];
    for (const out of outs) {
      const r = await execa(process.execPath, [join(workspaceRoot, 'packages/c2w/bin/run.js'), 'convert', `oci:${await amd64ExampleImage()}:latest`, out], { env, reject: false });
      expect(r.exitCode).toBe(0);
    }
    const [a, b] = await Promise.all(outs.map((o) => readFile(o)));
    expect(a!.equals(b!)).toBe(true);
  });

  it('prints exactly hello\\n for echo hello, on the x86_64 kernel, and passes the exit status through', async () => {
    const r = await node(wasm, ['echo', 'hello']);
    expect({ out: r.stdout, code: r.exitCode }).toEqual({ out: 'hello\n', code: 0 });
    const exit = await node(wasm, ['sh', '-c', 'uname -m; exit 7']);
    expect({ out: exit.stdout, code: exit.exitCode }).toEqual({ out: 'x86_64\n', code: 7 });
  });

  it('hands the host environment and -e, --entrypoint, -w, -u to the container', async () => {
    const r = await node(wasm, ['-c', 'echo "$FIRST $SECOND $(pwd) $(id -u)"'], {
      env: { FIRST: 'one' }, options: ['-e', 'SECOND=two', '--entrypoint', '/bin/sh', '-w', '/tmp', '-u', '1000:1000'],
    });
    expect({ out: r.stdout, code: r.exitCode }).toEqual({ out: 'one two /tmp 1000\n', code: 0 });
  });

  it('feeds piped stdin to cat, which ends where the input ends', async () => {
    const r = await node(wasm, ['cat'], { input: 'line one\nline two\n' });
    expect({ out: r.stdout, code: r.exitCode }).toEqual({ out: 'line one\nline two\n', code: 0 });
  });

  it("seeds the guest kernel's random pool from each run's host randomness, and keeps the host's clock", async () => {
    const cmd = `${draw}; date +%s`;
    const [a, b] = [await node(wasm, ['sh', '-c', cmd]), await node(wasm, ['sh', '-c', cmd])];
    const now = Date.now() / 1000;
    for (const r of [a, b]) {
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toMatch(/^256\n( [0-9a-f]{2}){16}\n\d+\n$/);
      // the guest's wall clock is the host's at the run, not the conversion's
      expect(Math.abs(Number(r.stdout.trim().split('\n').pop()) - now)).toBeLessThan(120);
    }
    expect(a.stdout.split('\n')[1]).not.toBe(b.stdout.split('\n')[1]);
  });

  it('runs through c2w run, and leaves the kernel out of the module (only the boot at conversion read it)', async () => {
    const r = await viaC2wRun(wasm, ['sh', '-c', 'echo "$((6 * 7))"; exit 3']);
    expect({ out: r.stdout, code: r.exitCode }).toEqual({ out: '42\n', code: 3 });
    // vfs-embed's file table (the c2w.vfs custom section): the cold module embeds vmlinux, the pre-booted one not
    const embedded = async (file: string) => {
      const [section] = WebAssembly.Module.customSections(await WebAssembly.compile(await readFile(file)), 'c2w.vfs');
      return (JSON.parse(Buffer.from(section!).toString('utf8')) as { files: Array<{ name: string }> }).files.map((f) => f.name);
    };
    const cold = await convert(await amd64ExampleImage(), join(dir, 'cold.wasm'), ['--no-snapshot']);
    expect(await embedded(cold)).toContain('vmlinux');
    expect(await embedded(wasm)).not.toContain('vmlinux');
    expect(await embedded(wasm)).toContain('root.erofs');
  });
});
