import { UsageError } from '@c2w/errors';
import { parseArgs, parseShare } from '../src/options.js';
import { buildArgs } from '../src/wasm-args.js';

describe('parseArgs', () => {
  it('takes the native build flags, with values as the next argument or after =', () => {
    expect(parseArgs(['--bios', 'fw', '--memory=512M', '--drive', 'a.iso,ro', '--drive=b.img', '--stats', '--max-insns', '10'])).toEqual({
      bios: 'fw', memory: '512M', drives: [{ path: 'a.iso', readonly: true }, { path: 'b.img', readonly: false }], stats: true, maxInsns: 10,
    });
    expect(parseArgs(['--help'])).toBeNull();
  });

  it('takes ,volatile on --drive, in any order with ,ro (docs/decisions/0057)', () => {
    expect(parseArgs(['--bios', 'fw', '--drive', 'u.img,volatile', '--drive', 'r.iso,volatile,ro', '--drive', 'a,b.img,readonly'])?.drives).toEqual([
      { path: 'u.img', readonly: false, volatile: true }, { path: 'r.iso', readonly: true, volatile: true }, { path: 'a,b.img', readonly: true },
    ]);
  });

  it('takes --jit, passed on to the machine', () => {
    const opts = parseArgs(['--bios', 'fw', '--jit']);
    expect(opts).toEqual({ bios: 'fw', jit: true });
    expect(buildArgs(opts!).args).toContain('--jit');
  });

  it('takes --arch: x86_64 boots --kernel with no firmware', () => {
    expect(parseArgs(['--arch', 'x86_64', '--kernel', 'vmlinux'])).toEqual({ arch: 'x86_64', kernel: 'vmlinux' });
    expect(parseArgs(['--arch=riscv64', '--bios', 'fw'])).toEqual({ arch: 'riscv64', bios: 'fw' });
  });

  it.each([
    [['--kernel', 'k'], /no firmware given/],
    [['--bios', 'fw', '--frobnicate'], /unknown option '--frobnicate'/],
    [['--bios'], /--bios needs a value/],
    [['--bios', 'fw', '--max-insns', '1e3'], /invalid number '1e3'/],
    [['--arch', 'arm64', '--bios', 'fw'], /unknown arch 'arm64'/],
    [['--arch', 'x86_64'], /--arch x86_64 needs --kernel/],
    [['--arch', 'x86_64', '--kernel', 'k', '--bios', 'fw'], /takes no firmware/],
  ])('%j is a usage error (exit 2)', (argv, message) => {
    const err = (() => { try { parseArgs(argv); } catch (e) { return e; } })();
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).exitCode).toBe(2);
    expect((err as Error).message).toMatch(message);
  });
});

describe('parseShare', () => {
  it('reads DIR,tag=TAG with ro and owner options; DIR may contain commas', () => {
    expect(parseShare('/a,b,tag=t,ro,uid=1000,gid=100')).toEqual({ hostPath: '/a,b', tag: 't', readonly: true, uid: 1000, gid: 100 });
    expect(() => parseShare('/a')).toThrow(UsageError);
    expect(() => parseShare('/a,tag=t,uid=-1')).toThrow(/bad share/);
  });
});
