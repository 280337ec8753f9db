import { CONTAINER_INIT, runtimeConfig } from '@c2w/emu-build';
import type { LoadedBundle } from '../../src/run/read-bundle.js';
import { configTemplate, singleFileParts } from '../../src/convert/single-file-parts.js';

const imageConfig = { config: { Entrypoint: ['/bin/sh', '-c'], Cmd: ['echo "a b"'], Env: ['PATH=/bin', 'A=1'], WorkingDir: '/w', User: 'app' } };
const bundle = {
  dir: '/b', path: (f: string) => `/b/${f}`, imageConfig,
  bundle: {
    machine: { wasm: 'machine.wasm', memory: '256M' },
    boot: { firmware: 'fw_dynamic.bin', kernel: 'Image', append: 'console=ttyS0', consoleGate: true, stdinPort: true },
    disks: [{ file: 'root.iso', readonly: true }],
    image: { architecture: 'riscv64', users: { root: { uid: 0, gid: 0 }, app: { uid: 1000, gid: 100 } }, groups: { root: 0, users: 100 } },
  },
} as unknown as LoadedBundle;

// arm64 on the riscv64 machine, from a pack with a PID 1 program: qemu-user runs it
const arm64 = {
  ...bundle,
  bundle: { ...bundle.bundle, boot: { ...bundle.bundle.boot, containerInit: '/usr/sbin/c2w-pid1' }, image: { ...bundle.bundle.image, architecture: 'arm64' } },
} as unknown as LoadedBundle;

// a native image from a pack with the program: it runs without it unless the run says --init
const native = { ...bundle, bundle: { ...bundle.bundle, machine: { ...bundle.bundle.machine, arch: 'riscv64' }, boot: arm64.bundle.boot } } as unknown as LoadedBundle;

describe('configTemplate', () => {
  it('is runc\'s config with one spelling of each marker where the machine puts the request', () => {
    const t = configTemplate(bundle);
    for (const m of ['"@c2w:args@"', '"@c2w:env@"', '"@c2w:cwd@"', '"@c2w:user@"', ',"@c2w:mounts@"']) expect(t.split(m)).toHaveLength(2);
  });

  it('gives the bundle form\'s config.json once the markers are filled as single_file.c fills them', () => {
    const filled = configTemplate(bundle)
      .replace('"@c2w:args@"', JSON.stringify(['/bin/sh', '-c', 'echo "a b"']))
      .replace('"@c2w:env@"', JSON.stringify(['PATH=/bin', 'A=1']))
      .replace('"@c2w:cwd@"', JSON.stringify('/w'))
      .replace('"@c2w:user@"', JSON.stringify({ uid: 1000, gid: 100 }))
      .replace(',"@c2w:mounts@"', ',{"destination":"/data","type":"bind","source":"/run/c2w/mnt/0","options":["rbind","rw"]}');
    const expected = runtimeConfig(imageConfig, { user: '1000:100', mounts: [{ destination: '/data', readonly: false }] });
    expect(JSON.parse(filled)).toEqual(expected);
  });

  it('does not need a command in the image (the run request may bring it)', () => {
    expect(() => configTemplate({ imageConfig: { config: {} }, bundle: bundle.bundle })).not.toThrow();
  });

  it('has the PID 1 program\'s mount for an image the machine emulates; its args come whole from the machine (ADR 0065)', () => {
    const t = configTemplate(arm64);
    const filled = t.replace('"@c2w:args@"', JSON.stringify([CONTAINER_INIT, 'sh'])).replace('"@c2w:env@"', '[]').replace('"@c2w:cwd@"', '"/"')
      .replace('"@c2w:user@"', '{"uid":0,"gid":0}').replace(',"@c2w:mounts@"', '');
    expect(JSON.parse(filled)).toEqual({ ...runtimeConfig({ config: {} }, { args: ['sh'], init: '/usr/sbin/c2w-pid1', user: '0:0' }), process: expect.anything() });
    expect(JSON.parse(filled).process.args).toEqual([CONTAINER_INIT, 'sh']);
    expect(configTemplate(bundle)).not.toContain(CONTAINER_INIT);
    expect(configTemplate(arm64)).not.toContain('@c2w:init@'); // it has the mount already
  });

  it('marks where --init puts the mount for a native image, filled as single_file.c fills it with or without --init', () => {
    const t = configTemplate(native);
    expect(t.split(',"@c2w:init@"')).toHaveLength(2);
    expect(configTemplate(bundle)).not.toContain('@c2w:init@'); // a pack without the program: --init is refused
    const mount = Object.fromEntries(singleFileParts(native))['init-mount']!;
    const fill = (args: string[], init: string) => JSON.parse(t.replace('"@c2w:args@"', JSON.stringify(args)).replace('"@c2w:env@"', '["PATH=/bin","A=1"]')
      .replace('"@c2w:cwd@"', '"/w"').replace('"@c2w:user@"', '{"uid":1000,"gid":100}').replace(',"@c2w:mounts@"', '').replace(',"@c2w:init@"', init));
    const command = ['/bin/sh', '-c', 'echo "a b"'];
    expect(fill([CONTAINER_INIT, ...command], mount)).toEqual(runtimeConfig(imageConfig, { user: '1000:100', init: '/usr/sbin/c2w-pid1' }));
    expect(fill(command, '')).toEqual(runtimeConfig(imageConfig, { user: '1000:100' }));
  });
});

describe('singleFileParts', () => {
  it('writes the image defaults as NUL-terminated lists and the user db as name:ids lines', () => {
    const parts = Object.fromEntries(singleFileParts(bundle));
    expect(parts['entrypoint']).toBe('/bin/sh\0-c\0');
    expect(parts['cmd']).toBe('echo "a b"\0');
    expect(parts['env']).toBe('PATH=/bin\0A=1\0');
    expect(parts['workdir']).toBe('/w');
    expect(parts['user']).toBe('app');
    expect(parts['passwd']).toBe('root:0:0\napp:1000:100\n');
    expect(parts['group']).toBe('root:0\nusers:100\n');
    expect(parts['arch']).toBe('riscv64\n');
    expect(JSON.parse(parts['machine.json']!)).toEqual({
      memory: '256M', bios: '/embed/fw_dynamic.bin', kernel: '/embed/Image', append: 'console=ttyS0',
      drives: [{ path: '/embed/root.iso', readonly: true }], quiet_firmware: true, console_gate: true,
    });
  });

  it('gives the x86_64 machine its arch and kernel and no firmware (ADR 0028)', () => {
    const x86 = { ...bundle, bundle: { ...bundle.bundle, machine: { arch: 'x86_64', wasm: 'machine.wasm', memory: '512M' }, boot: { kernel: 'vmlinux', append: 'console=ttyS0', consoleGate: true, stdinPort: true }, image: { ...bundle.bundle.image, architecture: 'amd64' } } } as unknown as LoadedBundle;
    const parts = Object.fromEntries(singleFileParts(x86));
    expect(parts['arch']).toBe('amd64\n');
    expect(parts['env']).toBe('PATH=/bin\0A=1\0'); // amd64 runs without qemu-user there
    expect(JSON.parse(parts['machine.json']!)).toEqual({
      arch: 'x86_64', memory: '512M', kernel: '/embed/vmlinux', append: 'console=ttyS0',
      drives: [{ path: '/embed/root.iso', readonly: true }], quiet_firmware: true, console_gate: true,
    });
  });

  it('puts qemu-user\'s CPU model under the image\'s Env for an image the riscv64 machine emulates (ADR 0063)', () => {
    const amd64 = { ...bundle, bundle: { ...bundle.bundle, machine: { arch: 'riscv64', wasm: 'machine.wasm', memory: '256M' }, image: { ...bundle.bundle.image, architecture: 'amd64' } } } as unknown as LoadedBundle;
    expect(Object.fromEntries(singleFileParts(amd64))['env']).toBe('QEMU_CPU=Westmere\0PATH=/bin\0A=1\0');
  });

  it('puts the PID 1 program before the command only for an emulated image of a pack that has one (ADR 0065)', () => {
    expect(Object.fromEntries(singleFileParts(arm64))['init']).toBe(`${CONTAINER_INIT}\0`);
    expect(Object.fromEntries(singleFileParts(bundle))['init']).toBe('');
    const older = { ...arm64, bundle: { ...arm64.bundle, boot: bundle.bundle.boot } } as LoadedBundle;
    expect(Object.fromEntries(singleFileParts(older))['init']).toBe('');
  });

  it('gives --init its program and mount for a native image of a pack that has one, and nothing otherwise', () => {
    const parts = Object.fromEntries(singleFileParts(native));
    expect(parts['init']).toBe('');
    expect(parts['init-forced']).toBe(`${CONTAINER_INIT}\0`);
    expect(JSON.parse(parts['init-mount']!.slice(1))).toEqual({ destination: CONTAINER_INIT, type: 'bind', source: '/usr/sbin/c2w-pid1', options: ['bind', 'ro', 'nosuid', 'nodev'] });
    for (const b of [bundle, arm64]) expect(Object.keys(Object.fromEntries(singleFileParts(b)))).not.toContain('init-mount');
  });

  it('embeds them in a fixed order (the output is deterministic)', () => {
    expect(singleFileParts(bundle).map(([n]) => n)).toEqual(['arch', 'machine.json', 'config.json', 'init', 'entrypoint', 'cmd', 'env', 'workdir', 'user', 'passwd', 'group']);
    expect(singleFileParts(native).map(([n]) => n)).toEqual(['arch', 'machine.json', 'config.json', 'init', 'init-forced', 'init-mount', 'entrypoint', 'cmd', 'env', 'workdir', 'user', 'passwd', 'group']);
  });
});
