import { UsageError } from '@c2w/errors';
import { CONTAINER_INIT } from '@c2w/emu-build';
import type { LoadedBundle } from '../../src/run/read-bundle.js';
import { runRequest } from '../../src/run/run-request.js';

// The container's PID 1 (docs/decisions/0065): c2w-pid1 for images the machine emulates, and for
// any image with --init (docker run --init); the rest of runRequest is checked through the web
// page's channel (test/web/run-channel.test.ts) and the e2e runs.
function bundle(architecture: string, containerInit: string | undefined): LoadedBundle {
  return {
    dir: '/b', path: (f: string) => `/b/${f}`, imageConfig: { config: { Cmd: ['sh'] } },
    bundle: {
      machine: { arch: 'riscv64', wasm: 'machine.wasm', memory: '256M' },
      boot: { kernel: 'Image', append: '', consoleGate: true, stdinPort: true, tty: true, ...(containerInit ? { containerInit } : {}) },
      disks: [{ file: 'root.erofs', readonly: true }],
      image: { architecture, users: {}, groups: {} },
    },
  } as unknown as LoadedBundle;
}
const argsOf = (b: LoadedBundle, init?: boolean) => runRequest(b, { init }, [], 0).manifest.config.process.args;
const initMounts = (b: LoadedBundle, init?: boolean) => runRequest(b, { init }, [], 0).manifest.config.mounts?.filter((m) => m.destination === CONTAINER_INIT);

describe('runRequest: the container\'s PID 1', () => {
  it('is c2w-pid1 for an emulated image, the command itself for a native one, as docker without --init', () => {
    expect(argsOf(bundle('arm64', '/usr/sbin/c2w-pid1'))).toEqual([CONTAINER_INIT, 'sh']);
    expect(initMounts(bundle('arm64', '/usr/sbin/c2w-pid1'))).toEqual([expect.objectContaining({ source: '/usr/sbin/c2w-pid1', type: 'bind' })]);
    expect(argsOf(bundle('riscv64', '/usr/sbin/c2w-pid1'))).toEqual(['sh']);
    expect(initMounts(bundle('riscv64', '/usr/sbin/c2w-pid1'))).toEqual([]);
    expect(argsOf(bundle('arm64', undefined))).toEqual(['sh']); // a bundle from before c2w-pid1
  });

  it('is c2w-pid1 for any image with --init; a bundle without one is a usage error that says what to do', () => {
    expect(argsOf(bundle('riscv64', '/usr/sbin/c2w-pid1'), true)).toEqual([CONTAINER_INIT, 'sh']);
    expect(initMounts(bundle('riscv64', '/usr/sbin/c2w-pid1'), true)).toHaveLength(1);
    expect(argsOf(bundle('arm64', '/usr/sbin/c2w-pid1'), true)).toEqual([CONTAINER_INIT, 'sh']);
    expect(() => argsOf(bundle('riscv64', undefined), true)).toThrow(UsageError);
    expect(() => argsOf(bundle('riscv64', undefined), true)).toThrow(/^--init: the bundle \/b was made by a c2w whose guest has no init program; convert the image again$/);
  });
});
