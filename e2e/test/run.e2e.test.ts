import { execa } from 'execa';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { runBin, workspaceRoot } from '@c2w/testing';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { c2w, convert, tmp } from './helpers/bundles.js';
import { amd64Image, derivedImage, foreignExampleImage, exampleImage, pythonImage } from './helpers/images.js';

// The product: a container image in, its entrypoint running inside WebAssembly out. Both forms,
// a bundle directory and one out.wasm (docs/decisions/0024), go through the same run path.
describe.each([['bundle directory', ''], ['single out.wasm', '.wasm']])('c2w run (%s)', (_form, suffix) => {
  let bundle: string;
  let dir: string;
  beforeAll(async () => {
    dir = await tmp('run');
    bundle = await convert(await exampleImage(), join(dir, `example${suffix}`));
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

  it('says why a command did not start with docker\'s status: 127 not found, 126 not runnable, 125 otherwise (ADR 0066)', async () => {
    const run = async (opts: string[], args: string[]) => {
      const r = await c2w(['run', ...opts, bundle, '--', ...args]);
      return { out: r.stdout.toString(), code: r.exitCode };
    };
    // crun's own words stay on the container's stderr (the console's one stream)
    expect(await run([], ['no-such-program'])).toEqual({ out: 'executable file `no-such-program` not found in $PATH: No such file or directory\n', code: 127 });
    expect(await run([], ['/no/such/program'])).toEqual({ out: 'executable file `/no/such/program` not found: No such file or directory\n', code: 127 });
    expect(await run([], ['/etc/motd'])).toEqual({ out: 'the path `/etc/motd` exists but it is not executable: Operation not permitted\n', code: 126 });
    expect(await run([], ['/etc'])).toEqual({ out: 'the path `/etc` is not a regular file: Operation not permitted\n', code: 126 });
    expect(await run(['-w', '/etc/motd'], ['true'])).toEqual({ out: 'chdir to `/etc/motd`: Not a directory\n', code: 125 });
    // the command's own statuses stay its own, 1 and 127 included
    expect(await run([], ['sh', '-c', 'echo own >&2; exit 1'])).toEqual({ out: 'own\n', code: 1 });
    expect(await run([], ['sh', '-c', 'exit 127'])).toEqual({ out: '', code: 127 });
  });

  it('runs the command as PID 1 (as docker does), or under c2w-pid1 with --init (ADR 0065)', async () => {
    const plain = await c2w(['run', bundle, '--', 'sh', '-c', 'echo $$; ls -a /dev | grep -c c2w-init']);
    expect(plain.stdout.toString()).toBe('1\n0\n');
    const script = 'echo "$$ $(tr "\\0" " " < /proc/1/cmdline)"; trap "echo TERM; exit 9" TERM; kill -TERM 1; sleep 20 & wait';
    const init = await c2w(['run', '--init', bundle, '--', 'sh', '-c', script]);
    // PID 1 passes the TERM sent to it on to the command, whose trap ends the run
    expect({ out: init.stdout.toString(), code: init.exitCode }).toEqual({ out: `2 /dev/.c2w-init sh -c ${script} \nTERM\n`, code: 9 });
    const missing = await c2w(['run', '--init', bundle, '--', 'no-such-program']);
    expect(missing.exitCode).toBe(127);
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

  it('has a writable root: new files and directories, appends, renames and deletions of image files', async () => {
    // the image's root (ISO, read-only) is the overlay's lower layer; writes go to a tmpfs upper
    const script = [
      'echo data > /new-file', 'mkdir -p /usr/local/x', 'echo y > /usr/local/x/f', 'cat /new-file /usr/local/x/f',
      'echo appended >> /etc/passwd', 'grep -c -e appended -e ^root: /etc/passwd',
      'rm /bin/true', 'ls /bin/true 2>&1 || echo "gone $(ls /bin | wc -l)"',
      'busybox mv /etc/passwd /etc/passwd.moved', 'ls /etc',
      'rm -r /root', 'ls -d /root 2>&1 || echo dir-gone', 'echo done',
    ].join(' && ');
    const r = await c2w(['run', bundle, '--', 'sh', '-c', script]);
    expect(r.stdout.toString()).toBe('data\ny\n2\nls: /bin/true: No such file or directory\ngone 15\nmotd\npasswd.moved\n' +
      'ls: /root: No such file or directory\ndir-gone\ndone\n');
    expect(r.exitCode).toBe(0);
    // per run: the next container starts from the image again
    const again = await c2w(['run', bundle, '--', 'sh', '-c', 'ls /new-file 2>&1; ls /bin/true /etc/passwd; ls /bin | wc -l']);
    expect(again.stdout.toString()).toBe('ls: /new-file: No such file or directory\n/bin/true\n/etc/passwd\n16\n');
  });

  it('passes a 100 KB environment variable and 2000 arguments (500 KB) exactly: no size cap', async () => {
    // below Linux's limits for the container's execve: 128 KiB per string, 2 MiB in all
    const big = randomBytes(75_000).toString('base64');
    const args = Array.from({ length: 2000 }, (_, i) => `${i % 10}:${randomBytes(150).toString('base64')}`);
    // repeats, an empty one, quotes, shell syntax, a backslash and UTF-8 must arrive as they are
    args.splice(100, 6, 'same', 'same', '', `it's "quoted"`, '$HOME `id` \\ *', 'é ✓');
    const sha = (s: string) => createHash('sha256').update(s).digest('hex');
    const r = await c2w(['run', '-e', `BIG=${big}`, bundle, '--', 'sh', '-c',
      'echo "${#BIG} $#"; printf %s "$BIG" | busybox sha256sum; printf "%s\\n" "$@" | busybox sha256sum', 'sh', ...args]);
    expect(r.stderr).toBe('');
    expect(r.stdout.toString()).toBe(`100000 2000\n${sha(big)}  -\n${sha(args.map((a) => `${a}\n`).join(''))}  -\n`);
    expect(r.exitCode).toBe(0);
  });
});

describe('c2w run (images)', () => {
  let dir: string;
  let example: string;
  beforeAll(async () => {
    dir = await tmp('run-images');
    example = await exampleImage();
  });

  it.each([['bundle directory', ''], ['single out.wasm', '.wasm']])("runs the image's own Entrypoint, Cmd, Env, WorkingDir and User (%s)", async (_form, suffix) => {
    const img = await derivedImage(example, join(dir, `configured-img${suffix}`), [
      '--config.entrypoint', '/bin/sh', '--config.cmd', '-c', '--config.cmd', 'echo "$GREETING $(pwd) $(id -u):$(id -g)"',
      '--config.env', 'GREETING=howdy', '--config.workingdir', '/tmp', '--config.user', '1000:1000',
    ]);
    const b = await convert(img, join(dir, `configured${suffix}`));
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

  it.each([['bundle directory', ''], ['single out.wasm', '.wasm']])('runs an amd64 image through qemu-user with --machine riscv64 (%s)', async (_form, suffix) => {
    const img = await amd64Image(join(dir, `amd64-img${suffix}`));
    const b = await convert(img, join(dir, `amd64${suffix}`), ['--machine', 'riscv64']);
    const r = await c2w(['run', b, '--', 'uname', '-m']);
    expect(r.stdout.toString()).toBe('x86_64\n');
    expect(r.exitCode).toBe(0);
    // qemu-user's CPU is Westmere unless the run says otherwise (ADR 0063), and qemu reads it:
    // a model it does not know stops it before the program
    const cpu = await c2w(['run', b, '--', 'sh', '-c', 'echo $QEMU_CPU']);
    expect(cpu.stdout.toString()).toBe('Westmere\n');
    const bad = await c2w(['run', '-e', 'QEMU_CPU=no-such-cpu', b, '--', 'sh', '-c', 'exit 0']);
    expect(bad.stdout.toString()).toContain("unable to find CPU model 'no-such-cpu'"); // the container's stderr shares the console
    expect(bad.exitCode).toBe(1);
    // a program that dies of a signal: qemu-user is not the container's PID 1, whose signals a
    // namespace drops (it hung there), but the command of c2w-pid1 (ADR 0065): 128+N, as docker
    const crash = await c2w(['run', b, '--', 'sh', '-c', 'echo "pid $$, 1 is $(tr "\\0" " " < /proc/1/cmdline)"; kill -SEGV $$']);
    expect(crash.stdout.toString()).toMatch(/^pid [2-9]\d*, 1 is \/dev\/\.c2w-init sh -c /);
    expect(crash.stdout.toString()).toContain('qemu: uncaught target signal 11 (Segmentation fault)');
    expect(crash.exitCode).toBe(139);
  });

  it('runs an arm64 image through qemu-user, its own command too: argv[0] reaches the program', async () => {
    const b = await convert(await foreignExampleImage('arm64'), join(dir, 'arm64'));
    // `sh -c 'cat /etc/motd; uname -m'`: busybox's shell runs cat as /proc/self/exe with argv[0] `cat`
    const own = await c2w(['run', b]);
    expect({ out: own.stdout.toString(), code: own.exitCode }).toEqual({ out: 'hello from the c2w example image\naarch64\n', code: 0 });
    // qemu's own CPU model for arm64 (ADR 0063), and the exit status through qemu-user
    const r = await c2w(['run', b, '--', 'sh', '-c', 'echo "cpu=[$QEMU_CPU]"; exit 3']);
    expect({ out: r.stdout.toString(), code: r.exitCode }).toEqual({ out: 'cpu=[]\n', code: 3 });
    // under c2w-pid1 (ADR 0065): a fatal signal ends the run with 128+N, the container's own
    // signals reach the command, and a command not found is docker's 127
    const ill = await c2w(['run', b, '--', 'sh', '-c', 'kill -ILL $$']);
    expect({ out: ill.stdout.toString(), code: ill.exitCode }).toEqual({ out: 'qemu: uncaught target signal 4 (Illegal instruction) - core dumped\n', code: 132 });
    const term = await c2w(['run', b, '--', 'sh', '-c', 'trap "echo TERM; exit 9" TERM; kill -TERM 1; sleep 20 & wait']);
    expect({ out: term.stdout.toString(), code: term.exitCode }).toEqual({ out: 'TERM\n', code: 9 });
    const missing = await c2w(['run', b, '--', 'no-such-program']);
    expect({ out: missing.stdout.toString(), code: missing.exitCode }).toEqual({ out: 'executable file `no-such-program` not found in $PATH: No such file or directory\n', code: 127 });
  });
});
