import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Bundle } from '@c2w/artifacts';
import { runBin } from '@c2w/testing';
import { c2w, c2wTimedLines, convert, tmp } from './helpers/bundles.js';
import { amd64ExampleImage, amd64PythonImage, exampleImage } from './helpers/images.js';

// amd64 images on the x86_64 machine (issue 13, ADR 0028): convert picks the x86_64 pack from the
// image's platform, the bundle records the machine, `c2w run` needs no flag. No qemu-user anywhere:
// `uname -m` says x86_64 because the guest kernel is x86_64.
describe('amd64 images on the x86_64 machine', () => {
  let dir: string;
  let busybox: string;
  beforeAll(async () => {
    dir = await tmp('x86');
    busybox = await convert(await amd64ExampleImage(), join(dir, 'busybox'));
  });

  it('records the x86_64 machine and its files in bundle.json', async () => {
    const bundle = Bundle.parse(JSON.parse(await readFile(join(busybox, 'bundle.json'), 'utf8')));
    expect({ arch: bundle.machine.arch, image: bundle.image.architecture, firmware: bundle.boot.firmware, kernel: bundle.boot.kernel })
      .toEqual({ arch: 'x86_64', image: 'amd64', firmware: undefined, kernel: 'vmlinux' });
    expect(Object.keys(bundle.files).sort()).toEqual(['image-config.json', 'machine.wasm', 'root.erofs', 'vmlinux']);
  });

  it('runs the image\'s command, then echo with an exit status and the environment', async () => {
    const r = await c2w(['run', busybox]);
    expect({ out: r.stdout.toString(), code: r.exitCode }).toEqual({ out: 'hello from the c2w example image\nx86_64\n', code: 0 });
    const exit = await c2w(['run', '-e', 'GREETING=hi there', busybox, '--', 'sh', '-c', 'echo "$GREETING from $(uname -m) in $PWD"; exit 7']);
    expect({ out: exit.stdout.toString(), code: exit.exitCode }).toEqual({ out: 'hi there from x86_64 in /root\n', code: 7 });
  });

  it('gives docker\'s 127 for a command not found (ADR 0066) and takes --init (ADR 0065), as the riscv64 machine does', async () => {
    const missing = await c2w(['run', busybox, '--', 'no-such-program']);
    expect({ out: missing.stdout.toString(), code: missing.exitCode }).toEqual({ out: 'executable file `no-such-program` not found in $PATH: No such file or directory\n', code: 127 });
    const init = await c2w(['run', '--init', busybox, '--', 'sh', '-c', 'echo "$$ $(cat /proc/1/comm)"; exit 6']);
    expect({ out: init.stdout.toString(), code: init.exitCode }).toEqual({ out: '2 .c2w-init\n', code: 6 });
  });

  // Guest time is host time (ADR 0050): the TSC follows the host clock, so the container's
  // `sleep 1` takes a host second (busy guest time ran at the instruction rate before: 41 s beside
  // a busy loop), and its clock is the RTC's, the host's (c2w-init no longer sets it back to the
  // run's start, the boot's seconds earlier: 5 s behind). date +%s and the RTC count whole seconds:
  // each truncation puts the guest up to a second behind, and the line reaches the host a little
  // later still, so a correct run can read just over 2 s behind (-2.02 s in one CI run).
  it('sleeps a guest second in a host second, on the host\'s clock', async () => {
    const r = await c2wTimedLines(['run', busybox, '--', 'sh', '-c', 'date +%s; sleep 1; date +%s']);
    expect({ code: r.exitCode, stderr: r.stderr, lines: r.lines.length }).toEqual({ code: 0, stderr: '', lines: 2 });
    const [before, after] = r.lines as [{ text: string; at: number }, { text: string; at: number }];
    const within = (v: number, lo: number, hi: number): number | string => (v >= lo && v <= hi ? `${lo}..${hi}` : v);
    expect({
      asleep: within((after.at - before.at) / 1000, 0.9, 2.5),
      skew: [before, after].map((l) => within(Number(l.text) - l.at / 1000, -2.5, 2)),
    }).toEqual({ asleep: '0.9..2.5', skew: ['-2.5..2', '-2.5..2'] });
  });

  it('shares a host directory over 9p (--mount), both ways', async () => {
    const host = join(dir, 'host');
    await mkdir(host, { recursive: true });
    await writeFile(join(host, 'in.txt'), 'from the host\n');
    const r = await c2w(['run', '--mount', `${host}:/data`, busybox, '--', 'sh', '-c', 'cat /data/in.txt; echo "made by $(uname -m)" > /data/out.txt']);
    expect({ out: r.stdout.toString(), code: r.exitCode }).toEqual({ out: 'from the host\n', code: 0 });
    expect(await readFile(join(host, 'out.txt'), 'utf8')).toBe('made by x86_64\n');
  });

  it('reads stdin from a pipe to its end', async () => {
    const r = await runBin('c2w', ['run', busybox, '--', 'sh', '-c', 'wc -l; echo done'], { input: 'a\nb\nc\n' });
    expect({ out: r.stdout.toString().replace(/ +/g, ' ').trim(), code: r.exitCode }).toEqual({ out: '3\ndone', code: 0 });
  });

  it('reaches the host through the user-mode network (--net): DHCP address and a wget through the gateway', async () => {
    const body = randomBytes(64 * 1024);
    const server = createServer((_req, res) => res.end(body));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as AddressInfo;
      const r = await c2w(['run', '--net', busybox, '--', 'sh', '-c',
        `ip -4 addr show eth0 | grep -o 'inet [0-9./]*'; wget -q -O - http://10.0.2.2:${port}/ | sha256sum`]);
      const sha = createHash('sha256').update(body).digest('hex');
      expect({ out: r.stdout.toString(), code: r.exitCode }).toEqual({ out: `inet 10.0.2.15/24\n${sha}  -\n`, code: 0 });
    } finally {
      server.close();
    }
  });

  it('runs as one out.wasm too: the embedded machine config says x86_64', async () => {
    const out = join(dir, 'busybox.wasm');
    await convert(await amd64ExampleImage(), out);
    const r = await c2w(['run', out, '--', 'sh', '-c', 'echo $(uname -m); exit 3']);
    expect({ out: r.stdout.toString(), code: r.exitCode }).toEqual({ out: 'x86_64\n', code: 3 });
    const init = await c2w(['run', '--init', out, '--', 'cat', '/proc/1/comm']);
    expect({ out: init.stdout.toString(), code: init.exitCode }).toEqual({ out: '.c2w-init\n', code: 0 });
  });

  // No PYTHONHASHSEED: RDRAND seeds the kernel's RNG, so python's start-up getrandom() does not
  // wait (ADR 0033). One conversion serves both python tests.
  let pythonBundle: Promise<string> | undefined;
  const python = (): Promise<string> => (pythonBundle ??= amd64PythonImage().then((image) => convert(image, join(dir, 'python'))));
  it('runs python3 from a Debian amd64 image', async () => {
    const r = await c2w(['run', await python(), '--', 'python3', '-c', 'import platform, sys; print(1+1, platform.machine()); sys.exit(4)']);
    expect({ out: r.stdout.toString(), code: r.exitCode }).toEqual({ out: '2 x86_64\n', code: 4 });
  });

  // numpy's import runs libm's long double code (exp2l: F2XM1), and np.longdouble math is glibc's
  // x87 code: FYL2X, FYL2XP1, FSIN, FCOS, FPTAN, FPATAN, F2XM1 (ADR 0034). The expected digits are
  // mpmath's at 300 bits for the 64-bit x = 1/3 (and atan2(-2, -7)), to 18 digits; the host's
  // numpy 2.4 on an AMD EPYC printed the same.
  it('imports numpy and computes with it: a determinant and x87 long double functions', async () => {
    const script = [
      'import numpy as np',
      'print(round(float(np.linalg.det(np.array([[4.0, 3.0, 2.0], [1.0, 5.0, 7.0], [2.0, 8.0, 3.0]]))), 9))',
      'x = np.longdouble(1) / 3',
      'for f in (np.exp, np.log, np.sin, np.cos, np.tan, np.arctan, np.exp2, np.log1p):',
      '    print(f.__name__, np.format_float_scientific(f(x), precision=17))',
      'print(np.format_float_scientific(np.arctan2(np.longdouble(-2), np.longdouble(-7)), precision=17))',
    ].join('\n');
    const r = await c2w(['run', await python(), '--', 'python3', '-c', script]);
    expect({ out: r.stdout.toString().split('\n'), code: r.exitCode }).toEqual({
      out: [
        '-135.0',
        'exp 1.39561242508608953e+00',
        'log -1.09861228866810969e+00',
        'sin 3.27194696796152244e-01',
        'cos 9.44956946314737664e-01',
        'tan 3.46253549510575491e-01',
        'arctan 3.21750554396642193e-01',
        'exp2 1.25992104989487316e+00',
        'log1p 2.87682072451780927e-01',
        '-2.86329299458468189e+00',
        '',
      ],
      code: 0,
    });
  });

  it('runs the amd64 image through qemu-user on riscv64 with --machine riscv64', async () => {
    const b = await convert(await amd64ExampleImage(), join(dir, 'via-qemu'), ['--machine', 'riscv64']);
    const bundle = Bundle.parse(JSON.parse(await readFile(join(b, 'bundle.json'), 'utf8')));
    expect(bundle.machine.arch).toBe('riscv64');
    const r = await c2w(['run', b, '--', 'uname', '-m']);
    expect({ out: r.stdout.toString(), code: r.exitCode }).toEqual({ out: 'x86_64\n', code: 0 });
    const own = await c2w(['run', b]); // busybox's shell execs its applets with their own argv[0]
    expect({ out: own.stdout.toString(), code: own.exitCode }).toEqual({ out: 'hello from the c2w example image\nx86_64\n', code: 0 });
  });

  it('refuses --machine x86_64 for a riscv64 image in one line (exit 2), writing nothing', async () => {
    const r = await c2w(['convert', '--machine', 'x86_64', `oci:${await exampleImage()}:latest`, join(dir, 'nope')]);
    expect({ code: r.exitCode, last: r.stderr.toString().trim().split('\n').pop() })
      .toEqual({ code: 2, last: 'c2w convert: --machine x86_64 runs amd64 images only; this image is riscv64 (omit --machine, pass --machine riscv64, or pick linux/amd64 with --platform)' });
  });
});
