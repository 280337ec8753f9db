import { RuntimeConfig } from '@c2w/artifacts';
import { CONTAINER_INIT, containerInit, emulatorEnv, runtimeConfig } from '../src/runtime-config.js';

const image = { config: { Entrypoint: ['/docker-entrypoint.sh'], Cmd: ['nginx', '-g', 'daemon off;'], Env: ['PATH=/usr/bin:/bin', 'A=1'], WorkingDir: '/srv', User: '101:102' } };

describe('runtimeConfig', () => {
  it('follows the image config', () => {
    const c = runtimeConfig(image);
    expect(RuntimeConfig.parse(c)).toBeTruthy();
    expect(c.process.args).toEqual(['/docker-entrypoint.sh', 'nginx', '-g', 'daemon off;']);
    expect(c.process.env).toEqual(['PATH=/usr/bin:/bin', 'A=1']);
    expect(c.process.cwd).toBe('/srv');
    expect(c.process.user).toEqual({ uid: 101, gid: 102 });
    expect(c.process.terminal).toBe(false);
    expect(c.root).toEqual({ path: 'rootfs', readonly: false });
    expect(c.linux?.namespaces?.map((n) => n.type)).toEqual(['pid', 'ipc', 'uts', 'mount']);
  });

  it('applies overrides as docker run does', () => {
    expect(runtimeConfig(image, { args: ['sh'] }).process.args).toEqual(['/docker-entrypoint.sh', 'sh']);
    expect(runtimeConfig(image, { entrypoint: ['/bin/ls'] }).process.args).toEqual(['/bin/ls']);
    expect(runtimeConfig(image, { entrypoint: ['/bin/ls'], args: ['-l'] }).process.args).toEqual(['/bin/ls', '-l']);
    expect(runtimeConfig(image, { env: ['A=2', 'B=3'] }).process.env).toEqual(['PATH=/usr/bin:/bin', 'A=2', 'B=3']);
    expect(runtimeConfig(image, { workdir: '/tmp', user: '0' }).process).toMatchObject({ cwd: '/tmp', user: { uid: 0, gid: 0 } });
    expect(runtimeConfig({ config: { Cmd: ['x'] } }).process.env?.[0]).toMatch(/^PATH=/);
  });

  it('puts defaults under the image\'s Env and the run\'s', () => {
    expect(runtimeConfig(image, { defaults: ['QEMU_CPU=Westmere', 'A=0'] }).process.env).toEqual(['PATH=/usr/bin:/bin', 'QEMU_CPU=Westmere', 'A=1']);
    expect(runtimeConfig(image, { defaults: ['QEMU_CPU=Westmere'], env: ['QEMU_CPU=max'] }).process.env).toEqual(['PATH=/usr/bin:/bin', 'QEMU_CPU=max', 'A=1']);
  });

  it('gives qemu-user its CPU model only where the machine emulates the image (ADR 0063)', () => {
    expect(emulatorEnv('riscv64', 'amd64')).toEqual(['QEMU_CPU=Westmere']);
    expect(emulatorEnv('riscv64', 'riscv64')).toEqual([]);
    expect(emulatorEnv('x86_64', 'amd64')).toEqual([]);
    expect(emulatorEnv('riscv64', 'arm64')).toEqual([]); // qemu's max: 3% was not worth hiding SVE
  });

  it('starts the command under the PID 1 program it is given, bound read-only on the container\'s /dev (ADR 0065)', () => {
    const c = runtimeConfig(image, { init: '/usr/sbin/c2w-pid1', args: ['sh'], mounts: [{ destination: '/data', readonly: false }] });
    expect(c.process.args).toEqual([CONTAINER_INIT, '/docker-entrypoint.sh', 'sh']);
    expect(CONTAINER_INIT).toMatch(/^\/dev\//);
    const at = c.mounts!.findIndex((m) => m.destination === CONTAINER_INIT);
    expect(c.mounts![at]).toEqual({ destination: CONTAINER_INIT, type: 'bind', source: '/usr/sbin/c2w-pid1', options: ['bind', 'ro', 'nosuid', 'nodev'] });
    expect(at).toBeGreaterThan(c.mounts!.findIndex((m) => m.destination === '/dev')); // on the tmpfs, not under it
    expect(c.mounts!.at(-1)!.destination).toBe('/data');
    expect(runtimeConfig(image).mounts!.some((m) => m.destination === CONTAINER_INIT)).toBe(false);
  });

  it('gives a PID 1 program only to images the machine emulates, and only if the pack has one', () => {
    expect(containerInit('riscv64', 'amd64', '/usr/sbin/c2w-pid1')).toBe('/usr/sbin/c2w-pid1');
    expect(containerInit('riscv64', 'arm64', '/usr/sbin/c2w-pid1')).toBe('/usr/sbin/c2w-pid1');
    expect(containerInit('riscv64', 'riscv64', '/usr/sbin/c2w-pid1')).toBeUndefined();
    expect(containerInit('x86_64', 'amd64', '/usr/sbin/c2w-pid1')).toBeUndefined();
    expect(containerInit('riscv64', 'amd64', undefined)).toBeUndefined(); // a pack from before it
  });

  it('bind-mounts the 9p shares of --mount from /run/c2w/mnt/N, last', () => {
    const c = runtimeConfig({ config: { Cmd: ['ls'] } }, { mounts: [{ destination: '/data', readonly: false }, { destination: '/tmp/ro', readonly: true }] });
    expect(c.mounts!.slice(-2)).toEqual([
      { destination: '/data', type: 'bind', source: '/run/c2w/mnt/0', options: ['rbind', 'rw'] },
      { destination: '/tmp/ro', type: 'bind', source: '/run/c2w/mnt/1', options: ['rbind', 'ro'] },
    ]);
  });

  it('fails clearly when there is nothing to run or the user is a name', () => {
    expect(() => runtimeConfig({ config: {} })).toThrow(/nothing to run/);
    expect(() => runtimeConfig(image, { user: 'nginx' })).toThrow(/numeric/);
  });
});
