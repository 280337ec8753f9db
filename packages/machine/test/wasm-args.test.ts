import { UsageError } from '@c2w/errors';
import { buildArgs } from '../src/wasm-args.js';

describe('buildArgs', () => {
  it('maps each host directory to one preopen and rewrites the paths to it', () => {
    const { args, preopens } = buildArgs({
      bios: '/fw/fw.bin', kernel: '/boot/Image', drives: [{ path: '/boot/root.iso', readonly: true }],
      shares: [{ hostPath: '/data', tag: 'data', readonly: true, uid: 1000 }], append: 'console=ttyS0', stats: true,
    });
    expect(preopens).toEqual({ '/c2w/0': '/fw', '/c2w/1': '/boot', '/c2w/share/0': '/data' });
    expect(args).toEqual(['--bios', '/c2w/0/fw.bin', '--kernel', '/c2w/1/Image', '--append', 'console=ttyS0',
      '--drive', '/c2w/1/root.iso,ro', '--share', '/c2w/share/0,tag=data,ro,uid=1000', '--stats']);
  });

  it('passes a volatile drive on as ,volatile', () => {
    const { args } = buildArgs({ drives: [{ path: '/s/upper.ext4', volatile: true }, { path: '/s/kept.ext4' }] });
    expect(args).toEqual(['--drive', '/c2w/0/upper.ext4,volatile', '--drive', '/c2w/0/kept.ext4']);
  });

  it('passes the board and no firmware for x86_64', () => {
    const { args, preopens } = buildArgs({ arch: 'x86_64', kernel: '/boot/vmlinux', memory: '512M' });
    expect(preopens).toEqual({ '/c2w/0': '/boot' });
    expect(args).toEqual(['--arch', 'x86_64', '--memory', '512M', '--kernel', '/c2w/0/vmlinux']);
  });

  it('names the network frame channel under a preopen of its own with --net', () => {
    const { args, preopens } = buildArgs({ bios: '/fw/fw.bin', net: {} });
    expect(args).toEqual(['--bios', '/c2w/0/fw.bin', '--net', '/c2w/net/frames']);
    expect(Object.keys(preopens)).toEqual(['/c2w/0', '/c2w/net']);
    expect(buildArgs({ bios: '/fw/fw.bin' }).args).not.toContain('--net');
  });

  it('names the terminal size channel under a preopen of its own with a winsize source (c2w run -t)', () => {
    const winsize = { size: () => ({ rows: 24, cols: 80 }), onResize: () => () => undefined };
    const { args, preopens } = buildArgs({ bios: '/fw/fw.bin', winsize });
    expect(args).toEqual(['--bios', '/c2w/0/fw.bin', '--winsize', '/c2w/tty/winsize']);
    expect(Object.keys(preopens)).toEqual(['/c2w/0', '/c2w/tty']);
    expect(buildArgs({ bios: '/fw/fw.bin' }).args).not.toContain('--winsize');
  });

  it('refuses a share tag the machine could not parse (usage, exit 2)', () => {
    expect(() => buildArgs({ bios: 'fw', shares: [{ hostPath: '/d', tag: 'a,b' }] })).toThrow(UsageError);
  });
});
