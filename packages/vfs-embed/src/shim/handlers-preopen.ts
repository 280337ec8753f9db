import binaryen from 'binaryen';
import type { HandlerKit } from './handler-kit.js';
import { N } from './names.js';
import { i64Const } from './state.js';
import { Errno, OFlags, PRESTAT } from './wasi-abi.js';

const { i32 } = binaryen;

/**
 * fd_prestat_get and fd_prestat_dir_name: how the mount appears among the preopens that libc
 * enumerates at start-up (docs/decisions/0018-vfs-embed.md, point 3).
 */
export const HANDLERS: Record<string, (kit: HandlerKit) => void> = {
  fd_prestat_get: ({ m, ctx, f, isDir, ok, body, internalName }) => {
    const result = f.local(i32);
    const realOpen = ctx.real('path_open')!;
    const writePrestat = () => m.block(null, [
      m.i32.store8(PRESTAT.tag, 1, f.param(1), m.i32.const(0)),
      m.i32.store(PRESTAT.nameLength, 4, f.param(1), m.i32.const(ctx.mount.length)),
    ]);
    body(
      m.if(isDir(), m.block(null, [writePrestat(), ok()])),
      f.set(result, m.call(N.real(internalName), [f.param(0), f.param(1)], i32)),
      m.if(m.i32.eqz(f.get(result)), m.block(null, [
        m.if(m.i32.and(m.i32.lt_s(m.global.get(N.hostDir, i32), m.i32.const(0)), m.i32.eqz(m.i32.load8_u(0, 1, f.param(1)))), m.global.set(N.hostDir, f.param(0))),
        ok(),
      ])),
      // libc enumerates preopens from fd 3 until EBADF: the first free number becomes the mount.
      // A host allocates the lowest free fd, so it is held by opening "." of a host preopen
      // (scratch space: the caller's prestat buffer); without one the host never opens files.
      m.if(m.i32.and(m.i32.eq(f.get(result), m.i32.const(Errno.badf)), m.i32.and(m.i32.lt_s(m.global.get(N.dirFd, i32), m.i32.const(0)), m.i32.ge_s(f.param(0), m.i32.const(3)))), m.block(null, [
        m.if(m.i32.ge_s(m.global.get(N.hostDir, i32), m.i32.const(0)), m.block(null, [
          m.i32.store8(0, 1, f.param(1), m.i32.const(0x2e)),
          m.drop(m.call(N.real(realOpen), [m.global.get(N.hostDir, i32), m.i32.const(0), f.param(1), m.i32.const(1), m.i32.const(OFlags.directory), i64Const(m, 0), i64Const(m, 0), m.i32.const(0), m.i32.add(f.param(1), m.i32.const(4))], i32)),
        ])),
        m.global.set(N.dirFd, f.param(0)),
        writePrestat(),
        ok(),
      ])),
      m.return(f.get(result)),
    );
  },
  fd_prestat_dir_name: ({ m, ctx, f, isDir, ok, fail, body }) => {
    body(m.if(isDir(), m.block(null, [
      m.if(m.i32.lt_u(f.param(2), m.i32.const(ctx.mount.length)), fail(Errno.inval)),
      ...[...ctx.mount].map((byte, k) => m.i32.store8(k, 1, f.param(1), m.i32.const(byte))),
      ok(),
    ])));
  },
};
