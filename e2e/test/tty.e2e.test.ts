import { execa } from 'execa';
import { join } from 'node:path';
import { runBin, workspaceRoot } from '@c2w/testing';
import { convert, tmp } from './helpers/bundles.js';
import { amd64ExampleImage, exampleImage, foreignExampleImage } from './helpers/images.js';

// `c2w run -t` (docs/decisions/0036-container-tty.md): the container gets a pty of the host
// terminal's size, and resizing the host terminal resizes it. Driven on a real pseudo-terminal
// by python3's pty module (helpers/pty-run.py): the pty starts at 24x80, and is resized to
// 40x132 (or c2w gets a signal) once the container says it is ready.
const ptyRun = join(workspaceRoot, 'e2e/test/helpers/pty-run.py');
const c2wBin = join(workspaceRoot, 'packages/c2w/bin/run.js');
// in the container: its tty, its size, then the size again on SIGWINCH (status 7)
const SCRIPT = 'tty; stty size; trap \'stty size; exit 7\' WINCH; echo ready; while :; do sleep 0.2; done';
// on the host pty: the terminal's settings before and after the run must be the same
const HOST = `b=$(stty -g); "$@"; rc=$?; a=$(stty -g); [ "$a" = "$b" ] && echo host-tty-restored; exit $rc`;

// the same, with c2w in the background (its stdin the pty, explicitly) so its id can be signalled
const HOST_BG = `b=$(stty -g); "$@" < /dev/tty & echo $! > "$PIDFILE"; wait $!; rc=$?; a=$(stty -g); [ "$a" = "$b" ] && echo host-tty-restored; exit $rc`;

async function runOnPty(bundle: string, action = 'resize:40x132', host = HOST, env: Record<string, string> = {}, script = SCRIPT): Promise<{ lines: string[]; raw: string; code: number | undefined }> {
  const r = await execa('python3', [ptyRun, '24', '80', 'ready', action, '--', 'sh', '-c', host, 'sh', process.execPath, c2wBin, 'run', '-t', bundle, '--', 'sh', '-c', script], { reject: false, stdin: 'ignore', env });
  return { lines: r.stdout.split(/\r?\n/).map((l) => l.replace(/\r/g, '')).filter((l) => l !== ''), raw: r.stdout, code: r.exitCode };
}

describe.each([
  ['riscv64', exampleImage],
  ['x86_64', amd64ExampleImage],
  // qemu-user runs it, under the container's PID 1 program (ADR 0065), which must leave the
  // terminal's foreground to the command: SIGWINCH and ^C reach the command, not it
  ['riscv64 (arm64 image)', () => foreignExampleImage('arm64')],
])('c2w run -t on the %s machine', (_arch, image) => {
  let bundle: string;
  beforeAll(async () => {
    const dir = await tmp('tty');
    bundle = await convert(await image(), join(dir, 'example'));
  });

  it('gives the container a pty of the host terminal\'s size that follows a resize, and restores the host terminal', async () => {
    const { lines, raw, code } = await runOnPty(bundle);
    expect(lines).toEqual(['/dev/pts/0', '24 80', 'ready', '40 132', 'host-tty-restored']);
    // the container's pty makes each line end `\r\n`; the host terminal passes that on unchanged
    // (output processing off during the run, as docker's client does), not as `\r\r\n`
    expect(raw).toContain('/dev/pts/0\r\n24 80\r\n');
    expect(raw).not.toContain('\r\r\n');
    expect(code).toBe(7);
  });

  it('reads a typed line: the command is the terminal\'s foreground process group', async () => {
    const { lines, code } = await runOnPty(bundle, 'type:hi there\\n', HOST, {}, 'echo ready; read -r line; echo "got [$line]"; exit 4');
    expect(lines).toEqual(['ready', 'hi there', 'got [hi there]', 'host-tty-restored']); // the pty echoes the line
    expect(code).toBe(4);
  });

  it('ends the command on a typed ^C (the pty\'s SIGINT), with status 130', async () => {
    const { lines, code } = await runOnPty(bundle, 'type:\\x03', HOST, {}, 'echo ready; while :; do sleep 0.2; done');
    // the container's pty echoes ^C (ECHOCTL), with no newline after it
    expect(lines.map((l) => l.replace(/^\^C/, '')).filter((l) => l !== '')).toEqual(['ready', 'host-tty-restored']);
    expect(code).toBe(130);
  });

  it('restores the host terminal when c2w is ended by SIGTERM mid-run', async () => {
    const pidfile = join(await tmp('tty-pid'), 'pid');
    const { lines, code } = await runOnPty(bundle, `signal:TERM:${pidfile}`, HOST_BG, { PIDFILE: pidfile });
    expect(lines.slice(0, 3)).toEqual(['/dev/pts/0', '24 80', 'ready']);
    expect(lines.at(-1)).toBe('host-tty-restored');
    expect(code).toBe(143); // 128 + SIGTERM, from the shell's wait
  });
});

describe('c2w run -t without a terminal', () => {
  it('fails as docker run -it does: the input device is not a TTY (usage error)', async () => {
    const r = await runBin('c2w', ['run', '-t', '/nonexistent-bundle', '--', 'true'], { input: '' });
    expect(r.stderr.toString()).toMatch(/^c2w run: -t\/--tty: the input device is not a TTY/);
    expect(r.exitCode).toBe(2);
  });
});
