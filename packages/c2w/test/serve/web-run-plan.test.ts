import type { LoadedBundle } from '../../src/run/read-bundle.js';
import { webRunPlan } from '../../src/serve/web-run-plan.js';

const ref = (size: number) => ({ digest: `sha256:${'d'.repeat(64)}`, size });

/** An x86_64 bundle as readBundle gives it (ADR 0028): the vmlinux and no firmware. */
const x86 = {
  dir: '/b', path: (f: string) => `/b/${f}`, imageConfig: { config: {} },
  bundle: {
    machine: { arch: 'x86_64', wasm: 'machine.wasm', memory: '256M' },
    boot: { kernel: 'vmlinux', append: 'console=ttyS0', consoleGate: true, stdinPort: true },
    disks: [{ file: 'root.iso', readonly: true }],
    image: { architecture: 'amd64', users: {}, groups: {} },
    files: { 'machine.wasm': ref(4), vmlinux: ref(7), 'root.iso': ref(2048) },
  },
} as unknown as LoadedBundle;

describe('webRunPlan', () => {
  it('starts the x86_64 board with its kernel and no firmware', () => {
    const plan = webRunPlan(x86, '');
    expect(plan.argv).toEqual(['--arch', 'x86_64', '--memory', '256M', '--kernel', '/c2w/0/vmlinux', '--append', 'console=ttyS0',
      '--drive', '/c2w/0/root.iso,ro', '--drive', '/c2w/1/channel.tar,ro', '--share', '/c2w/share/0,tag=c2w0,uid=0,gid=0', '--quiet-firmware', '--console-gate']);
    expect(plan.files.map((f) => f.guest)).toEqual(['/c2w/0/vmlinux', '/c2w/0/root.iso', '/c2w/1/channel.tar']);
  });

  it('adds the --winsize channel the worker answers when the bundle\'s init has a pty (boot.tty)', () => {
    const tty = { ...x86, bundle: { ...x86.bundle, boot: { ...x86.bundle.boot, tty: true } } } as unknown as LoadedBundle;
    const plan = webRunPlan(tty, 'rows=24&cols=80');
    expect(plan.winsize).toBe('/c2w/tty/winsize');
    expect(plan.argv.slice(plan.argv.indexOf('--winsize'), plan.argv.indexOf('--winsize') + 2)).toEqual(['--winsize', '/c2w/tty/winsize']);
    expect(plan.files.at(-1)!.url).toBe('channel.tar?rows=24&cols=80');
    expect(webRunPlan(x86, '').winsize).toBeUndefined();
  });
});
