import { execa } from 'execa';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { requirePrerequisite, workspaceRoot } from '@c2w/testing';
import { c2w, convert, tmp } from './helpers/bundles.js';
import { exampleImage, pythonImage } from './helpers/images.js';

// One out.wasm on WASI hosts that are not ours (docs/decisions/0024-single-file-run-request.md).
// The runner is any preview1 host's ten lines: args, env and preopens in, exit status out. It uses
// wasiImport (not getImportObject) so Bun's node:wasi, another engine (JavaScriptCore), runs it too.
const RUNNER = `import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';
const [file, ...args] = process.argv.slice(2);
const wasi = new WASI({
  version: 'preview1', args: ['out.wasm', ...args], returnOnExit: true,
  env: JSON.parse(process.env.WASI_ENV ?? '{}'), preopens: JSON.parse(process.env.WASI_PREOPENS ?? '{}'),
});
const instance = await WebAssembly.instantiate(await WebAssembly.compile(await readFile(file)), { wasi_snapshot_preview1: wasi.wasiImport });
process.exitCode = wasi.start(instance);
`;

interface Run { stdout: string; exitCode: number }
/** `env` is the host's WASI environment; `options` are out.wasm's own (-e, --entrypoint, -w, -u). */
interface RunOptions { env?: Record<string, string>; options?: string[]; preopens?: Record<string, string>; input?: string | Buffer; inputFile?: string }
type Host = (wasm: string, args: string[], o?: RunOptions) => Promise<Run>;

// npm's bun package (a devDependency here): its bin is the real binary for this platform
const require = createRequire(import.meta.url);
const bunPath = join(dirname(require.resolve('bun/package.json')), 'bin/bun.exe');
let runner = '';
const stdinOf = (o: RunOptions) => (o.input !== undefined ? { input: o.input } : o.inputFile !== undefined ? { inputFile: o.inputFile } : { stdin: 'ignore' as const });
const viaRunner = (engine: string[]): Host => async (wasm, args, o = {}) => {
  const r = await execa(engine[0]!, [...engine.slice(1), runner, wasm, ...(o.options ?? []), '--', ...args], {
    reject: false, stripFinalNewline: false, env: { WASI_ENV: JSON.stringify(o.env ?? {}), WASI_PREOPENS: JSON.stringify(o.preopens ?? {}) },
    ...stdinOf(o),
  });
  return { stdout: r.stdout, exitCode: r.exitCode ?? -1 };
};
// c2w run takes the same request as its own flags (the same spellings), --mount HOST:GUEST, the command
const viaC2wRun: Host = async (wasm, args, o = {}) => {
  const flags = [...Object.entries(o.env ?? {}).flatMap(([k, v]) => ['-e', `${k}=${v}`]), ...(o.options ?? []), ...Object.entries(o.preopens ?? {}).flatMap(([g, h]) => ['--mount', `${h}:${g}`])];
  const r = await execa(process.execPath, [join(workspaceRoot, 'packages/c2w/bin/run.js'), 'run', ...flags, wasm, '--', ...args], {
    reject: false, stripFinalNewline: false, ...stdinOf(o),
  });
  return { stdout: r.stdout, exitCode: r.exitCode ?? -1 };
};

// Bun's WASI calls every stdin a terminal, so piped input is said outright there (--stdin=pipe).
const hosts: Array<[string, Host, string[]]> = [
  ['node:wasi runner', viaRunner([process.execPath, '--no-warnings']), []],
  ['Bun (JavaScriptCore)', viaRunner([bunPath]), ['--stdin=pipe']],
  ['c2w run', viaC2wRun, []],
];

describe('c2w convert IMAGE out.wasm', () => {
  let dir: string;
  let image: string;
  let wasm: string;
  beforeAll(async () => {
    dir = await tmp('single');
    runner = join(dir, 'runner.mjs');
    await writeFile(runner, RUNNER);
    image = await exampleImage();
    wasm = await convert(image, join(dir, 'out.wasm'), ['--no-snapshot']);
  });

  it('is one module that imports nothing but wasi_snapshot_preview1', async () => {
    const imports = WebAssembly.Module.imports(new WebAssembly.Module(await readFile(wasm)));
    expect(imports.length).toBeGreaterThan(0);
    expect([...new Set(imports.map((i) => i.module))]).toEqual(['wasi_snapshot_preview1']);
    expect(imports.map((i) => i.name)).toContain('poll_oneoff');
  });

  it('gives the same bytes for the same image and SOURCE_DATE_EPOCH', async () => {
    const env = { ...process.env, SOURCE_DATE_EPOCH: '1700000000' };
    const outs = [join(dir, 'a.wasm'), join(dir, 'b.wasm')];
    for (const out of outs) {
      const r = await execa(process.execPath, [join(workspaceRoot, 'packages/c2w/bin/run.js'), 'convert', '--no-snapshot', `oci:${image}:latest`, out], { env, reject: false });
      expect(r.exitCode).toBe(0);
    }
    const [a, b] = await Promise.all(outs.map((o) => readFile(o)));
    expect(a!.length).toBeGreaterThan(1 << 20);
    expect(a!.equals(b!)).toBe(true);
  });

  it('leaves no output and no hidden bundle when conversion fails', async () => {
    const failed = join(dir, 'failed');
    await mkdir(failed);
    const r = await c2w(['convert', `oci:${join(dir, 'no-such-layout')}:latest`, join(failed, 'out.wasm')]);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr.split('\n')).toHaveLength(1);
    expect(await readdir(failed)).toEqual([]);
  });

  it('takes --init as docker run --init: c2w-pid1 is PID 1 and passes a TERM on (ADR 0065)', async () => {
    const node = hosts[0]![1];
    const r = await node(wasm, ['sh', '-c', 'echo "$$ $(cat /proc/1/comm)"; trap "exit 9" TERM; kill -TERM 1; sleep 20 & wait'], { options: ['--init'] });
    expect({ out: r.stdout.toString(), code: r.exitCode }).toEqual({ out: '2 .c2w-init\n', code: 9 });
  });

  it("fails on its own bad request before booting: a bad option 2, a user not in the image 1", async () => {
    const node = hosts[0]![1];
    expect((await node(wasm, ['true'], { options: ['--no-such-option'] })).exitCode).toBe(2);
    expect((await node(wasm, ['true'], { options: ['-u', 'nosuchuser'] })).exitCode).toBe(1);
  });

  it('runs python3 from a Debian image converted to one out.wasm (node:wasi runner)', async () => {
    const py = await convert(await pythonImage(), join(dir, 'python.wasm'), ['--no-snapshot']);
    const r = await hosts[0]![1](py, ['python3', '-c', 'import json, sys; print(json.dumps(sys.argv[1:])); sys.exit(5)', 'two words', "it's"]);
    expect(r.stdout).toBe('["two words", "it\'s"]\n');
    expect(r.exitCode).toBe(5);
  });

  it('hands the console to the container with --stdin=tty: a line reaches read (node:wasi runner)', async () => {
    // what a plain WASI host does for a terminal (the guest console, no end); here fed by a pipe.
    // The console feeder once read /dev/null (a background job's stdin) and then, as busybox cat,
    // used sendfile(), which on a tty waits for 16 MiB: read got nothing (ADR 0054)
    const r = await hosts[0]![1](wasm, ['sh', '-c', 'read x; echo "got [$x]"'], { options: ['--stdin=tty'], input: 'typed line\n' });
    expect(r.stdout).toBe('got [typed line]\n');
    expect(r.exitCode).toBe(0);
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

    it('reads 1 MB of stdin exactly, from a pipe and from a file (node:wasi cannot poll a file)', async () => {
      if (skip()) return;
      const data = randomBytes(1 << 20);
      const file = join(dir, 'stdin.bin');
      await writeFile(file, data);
      const md5 = `${createHash('md5').update(data).digest('hex')}  -\n`;
      for (const source of [{ input: data }, { inputFile: file }]) {
        const r = await run(wasm, ['busybox', 'md5sum'], { options: stdinFlags, ...source });
        expect(r.stdout).toBe(md5);
        expect(r.exitCode).toBe(0);
      }
    });

    it('mounts a preopened host directory at its guest path', async () => {
      if (skip()) return;
      const shared = await tmp('single-share');
      await writeFile(join(shared, 'from-host.txt'), 'host data\n');
      const r = await run(wasm, ['sh', '-c', 'cat /data/from-host.txt && echo guest > /data/from-guest.txt'], { preopens: { '/data': shared } });
      expect(r.stdout).toBe('host data\n');
      expect(r.exitCode).toBe(0);
      expect(await readFile(join(shared, 'from-guest.txt'), 'utf8')).toBe('guest\n');
    });
  });
});
