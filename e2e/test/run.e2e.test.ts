import { execa } from 'execa';
import { Readable } from 'node:stream';
import { runBin, workspaceRoot } from '@c2w/testing';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { c2w, convert, tmp } from './helpers/bundles.js';
import { amd64Image, derivedImage, exampleImage, pythonImage } from './helpers/images.js';

// The product: a container image in, its entrypoint running inside WebAssembly out.
describe('c2w run', () => {
  let bundle: string;
  let dir: string;
  let example: string;
  beforeAll(async () => {
    dir = await tmp('run');
    example = await exampleImage();
    bundle = await convert(example, join(dir, 'example'));
  });

  it('prints exactly what the command prints', async () => {
    const r = await c2w(['run', bundle, '--', 'echo', 'hello']);
    expect(r.stderr).toBe('');
    expect(r.stdout.toString()).toBe('hello\n');
    expect(r.exitCode).toBe(0);
  });

  it('passes the exit status through', async () => {
    const r = await c2w(['run', bundle, '--', 'sh', '-c', 'exit 7']);
    expect(r.exitCode).toBe(7);
  });

  it('applies env and entrypoint overrides', async () => {
    const r = await c2w(['run', '-e', 'NAME=world', '--entrypoint', '/bin/sh', bundle, '--', '-c', 'echo "hi $NAME from $(pwd)"']);
    expect(r.stdout.toString()).toBe('hi world from /root\n');
    expect(r.exitCode).toBe(0);
  });

  it('answers commands sent on stdin', async () => {
    // Typed input, as a person would: stdin stays open while the shell works.
    async function* typed() {
      await new Promise((r) => setTimeout(r, 1500));
      yield 'echo from-stdin\n';
      await new Promise((r) => setTimeout(r, 500));
      yield 'exit 3\n';
      await new Promise((r) => setTimeout(r, 3000));
    }
    const r = await execa(process.execPath, [join(workspaceRoot, 'packages/c2w/bin/run.js'), 'run', bundle, '--', 'sh'], {
      input: Readable.from(typed()), reject: false, stripFinalNewline: false,
    });
    expect(r.stdout).toBe('from-stdin\n');
    expect(r.exitCode).toBe(3);
  });

  it('reads input piped before the guest booted (pipe already at EOF)', async () => {
    // Input that arrives during boot waits behind the console gate until the container runs.
    const r = await runBin('c2w', ['run', bundle, '--', 'sh'], { input: 'echo piped-$((1+2)); exit 3\n' });
    expect(r.stdout.toString()).toBe('piped-3\n');
    expect(r.exitCode).toBe(3);
  });

  it('reads a script from a file on stdin', async () => {
    const script = join(dir, 'script.sh');
    await writeFile(script, 'echo one\necho "two $((1+1))"\nexit 4\necho not reached\n');
    const r = await runBin('c2w', ['run', bundle, '--', 'sh'], { inputFile: script });
    expect(r.stdout.toString()).toBe('one\ntwo 2\n');
    expect(r.exitCode).toBe(4);
  });

  it('exits cleanly run after run with stdin closed (no node:wasi fast-call crash)', async () => {
    // nodejs/node#46777: node:wasi fast API calls could GC mid-call; it crashed 1 run in 4 here.
    for (let i = 0; i < 5; i++) {
      const r = await runBin('c2w', ['run', bundle, '--', 'echo', String(i)]);
      expect({ i, code: r.exitCode, out: r.stdout.toString() }).toEqual({ i, code: 0, out: `${i}\n` });
    }
  });

  it("runs the image's own Entrypoint, Cmd, Env, WorkingDir and User", async () => {
    const img = await derivedImage(example, join(dir, 'configured-img'), [
      '--config.entrypoint', '/bin/sh', '--config.cmd', '-c', '--config.cmd', 'echo "$GREETING $(pwd) $(id -u):$(id -g)"',
      '--config.env', 'GREETING=howdy', '--config.workingdir', '/tmp', '--config.user', '1000:1000',
    ]);
    const b = await convert(img, join(dir, 'configured'));
    const r = await c2w(['run', b]);
    expect(r.stdout.toString()).toBe('howdy /tmp 1000:1000\n');
    expect(r.exitCode).toBe(0);
  });

  it('runs python3 in a riscv64 Debian image (mmdebstrap)', async () => {
    const b = await convert(await pythonImage(), join(dir, 'python'));
    const r = await c2w(['run', b, '--', 'python3', '-c', 'print(sum(range(10)))']);
    expect(r.stdout.toString()).toBe('45\n');
    expect(r.exitCode).toBe(0);
    const args = await c2w(['run', b, '--', 'python3', '-c', 'import json, sys; print(json.dumps(sys.argv[1:])); sys.exit(5)', 'two words', "it's", '']);
    expect(args.stdout.toString()).toBe('["two words", "it\'s", ""]\n');
    expect(args.exitCode).toBe(5);
  });

  it('runs an amd64 image through qemu-user', async () => {
    const img = await amd64Image(join(dir, 'amd64-img'));
    const b = await convert(img, join(dir, 'amd64'));
    const r = await c2w(['run', b, '--', 'uname', '-m']);
    expect(r.stdout.toString()).toBe('x86_64\n');
    expect(r.exitCode).toBe(0);
  });
});
