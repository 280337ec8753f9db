import { spawn, spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requirePrerequisite } from '@c2w/testing';
import { buildGuestTool, PID1_TOOL, toolCompiler } from '../../src/guest/guest-tools.js';

// The emulated containers' PID 1 (guest-tools/c2w-pid1.c), built as emu-build builds it and run
// on the host: natively for amd64, through qemu-user for riscv64. Here it is not a namespace's
// init; e2e/test/run.e2e.test.ts runs it as one, in the guest.
const has = (cmd: string, args: string[]) => spawnSync(cmd, args).status === 0;
/** A runner's absolute path: the tests give the command other PATHs. */
const where = (cmd: string) => spawnSync('sh', ['-c', 'command -v "$0"', cmd], { encoding: 'utf8' }).stdout.trim();

interface Done { code: number | null; signal: NodeJS.Signals | null; out: string; err: string }

describe.each([['amd64', [] as string[]], ['riscv64', ['qemu-riscv64-static']]] as const)('c2w-pid1 (%s)', (arch, runner) => {
  let dir: string;
  let bin: string;
  let ok = false;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), `c2w-pid1-${arch}-`));
    if (!requirePrerequisite(`${toolCompiler(arch)} (Debian cross gcc)`, has(toolCompiler(arch), ['--version']))) return;
    if (runner.length && !requirePrerequisite(`${runner[0]} (Debian qemu-user-static)`, has(runner[0]!, ['--version']))) return;
    bin = join(dir, 'c2w-pid1');
    await buildGuestTool(arch, PID1_TOOL.source, bin);
    ok = true;
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** Runs `c2w-pid1 ...args`; `then` is called with its pid once it started. */
  function run(args: string[], env: Record<string, string> = { PATH: process.env['PATH']! }, then?: (pid: number) => void): Promise<Done> {
    const [cmd, ...pre] = [...runner.map(where), bin];
    const p = spawn(cmd!, [...pre, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    p.stdout.on('data', (d: Buffer) => { out += d; });
    p.stderr.on('data', (d: Buffer) => { err += d; });
    if (then) p.stdout.once('data', () => then(p.pid!));
    return new Promise((resolve, reject) => { p.on('error', reject); p.on('close', (code, signal) => resolve({ code, signal, out, err })); });
  }

  it('exits with the command\'s status, and 128+N when signal N ended it', async () => {
    if (!ok) return;
    expect(await run(['sh', '-c', 'echo "$0 $1"; exit 3', 'zero', 'one'])).toEqual({ code: 3, signal: null, out: 'zero one\n', err: '' });
    expect(await run(['sh', '-c', 'kill -SEGV $$'])).toMatchObject({ code: 139, signal: null });
    expect(await run(['sh', '-c', 'kill -TERM $$'])).toMatchObject({ code: 143, signal: null });
  });

  it('passes the signals it gets on to the command, which runs in a process group of its own', async () => {
    if (!ok) return;
    // the command reports its process group, then waits for SIGTERM
    const script = 'trap "echo got TERM; exit 7" TERM; ps -o pgid= -p $$ | tr -d " "; sleep 30 >/dev/null 2>&1 & wait';
    let pid = 0;
    const r = await run(['sh', '-c', script], undefined, (p) => { pid = p; setTimeout(() => process.kill(p, 'SIGTERM'), 300); });
    expect(r.code).toBe(7);
    const [pgid, got] = r.out.trim().split('\n');
    expect(got).toBe('got TERM');
    expect(Number(pgid)).not.toBe(pid); // not ours (ours is the test's, or qemu's)
    const interrupted = await run(['sh', '-c', 'echo up; exec sleep 30'], undefined, (p) => setTimeout(() => process.kill(p, 'SIGINT'), 300));
    expect(interrupted).toMatchObject({ code: 130, signal: null });
  });

  it('looks the command up in PATH as execvp does: skips what it cannot run, 127 not found, 126 not runnable', async () => {
    if (!ok) return;
    const [a, b] = [join(dir, 'a'), join(dir, 'b')];
    await mkdir(a, { recursive: true });
    await mkdir(b, { recursive: true });
    await writeFile(join(a, 'tool'), '#!/bin/sh\necho from a\n'); // not executable: skipped
    await writeFile(join(b, 'tool'), '#!/bin/sh\necho "from b $1"\n');
    await chmod(join(b, 'tool'), 0o755);
    const env = { PATH: `/nonexistent:${a}:${b}:/bin:/usr/bin` };
    expect(await run(['tool', 'x'], env)).toEqual({ code: 0, signal: null, out: 'from b x\n', err: '' });
    expect(await run(['no-such-tool'], env)).toEqual({ code: 127, signal: null, out: '', err: 'executable file `no-such-tool` not found in $PATH: No such file or directory\n' });
    expect(await run([join(a, 'tool')], env)).toMatchObject({ code: 126, err: `executable file \`${join(a, 'tool')}\` cannot be run: Permission denied\n` });
    expect(await run(['tool'], { PATH: a })).toMatchObject({ code: 126, err: expect.stringContaining('Permission denied') });
    // no PATH at all: the default one
    expect(await run(['sh', '-c', 'exit 4'], {})).toMatchObject({ code: 4 });
    expect(await run([])).toMatchObject({ code: 125, err: 'usage: c2w-pid1 COMMAND [ARG...]\n' });
  });
});
