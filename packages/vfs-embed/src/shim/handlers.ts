import binaryen from 'binaryen';
import { FnBuilder } from './fn-builder.js';
import { LOOKUP_DIR } from './lookup.js';
import { N } from './names.js';
import { i64Const } from './state.js';
import { DIR_RIGHTS, Errno, FDSTAT, FILE_FD_BASE, FILE_RIGHTS, FileType, OFlags, OPEN_SLOTS, PRESTAT } from './wasi-abi.js';

const { i32, i64, none } = binaryen;
type Ref = binaryen.ExpressionRef;

/** What a handler needs: the module, the mount's bytes and the internal names of the real imports. */
export interface HandlerContext {
  m: binaryen.Module;
  mount: Buffer;
  real: (base: string) => string | undefined;
}

/**
 * The body of a served preview1 function. Each starts with "is this fd ours?" (the mount's fd or an
 * open embedded file) and otherwise calls the real import with the same arguments.
 */
export function buildHandler(ctx: HandlerContext, base: string, internalName: string, params: readonly binaryen.Type[]): void {
  const { m } = ctx;
  const f = new FnBuilder(m, params);
  const passThrough = () => m.return(m.call(N.real(internalName), params.map((_, i) => f.param(i)), i32));
  const isDir = () => isMount(m, f.param(0));
  const slot = f.local(i32);
  const findSlot = f.set(slot, m.call(N.slotOf, [f.param(0)], i32));
  const isFile = () => m.i32.ge_s(f.get(slot), m.i32.const(0));
  const fileOf = () => m.call(N.getFile, [f.get(slot)], i32);
  const posOf = () => m.call(N.getPos, [f.get(slot)], i64);
  const ok = () => m.return(m.i32.const(Errno.success));
  const fail = (errno: number) => m.return(m.i32.const(errno));
  const body = (...parts: Ref[]) => f.add(internalName, i32, m.block(null, [findSlot, ...parts, passThrough()], i32));

  switch (base) {
    case 'fd_prestat_get': {
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
      return;
    }
    case 'fd_prestat_dir_name':
      body(m.if(isDir(), m.block(null, [
        m.if(m.i32.lt_u(f.param(2), m.i32.const(ctx.mount.length)), fail(Errno.inval)),
        ...[...ctx.mount].map((byte, k) => m.i32.store8(k, 1, f.param(1), m.i32.const(byte))),
        ok(),
      ])));
      return;
    case 'fd_fdstat_get': {
      const fdstat = (type: number, base: bigint, inheriting: bigint) => m.block(null, [
        m.memory.fill(f.param(1), m.i32.const(0), m.i32.const(24)),
        m.i32.store8(FDSTAT.filetype, 1, f.param(1), m.i32.const(type)),
        m.i64.store(FDSTAT.rightsBase, 8, f.param(1), i64Const(m, base)),
        m.i64.store(FDSTAT.rightsInheriting, 8, f.param(1), i64Const(m, inheriting)),
        ok(),
      ]);
      body(m.if(isDir(), fdstat(FileType.directory, DIR_RIGHTS, FILE_RIGHTS | DIR_RIGHTS)), m.if(isFile(), fdstat(FileType.regularFile, FILE_RIGHTS, 0n)));
      return;
    }
    case 'fd_filestat_get':
      body(
        m.if(isDir(), m.block(null, [m.call(N.writeStat, [f.param(1), i64Const(m, 1), m.i32.const(FileType.directory), i64Const(m, 0)], none), ok()])),
        m.if(isFile(), m.block(null, [m.call(N.writeStat, [f.param(1), fileIno(m, fileOf()), m.i32.const(FileType.regularFile), m.call(N.fileSize, [fileOf()], i64)], none), ok()])),
      );
      return;
    case 'path_filestat_get': {
      const index = f.local(i32);
      body(
        m.if(isDir(), m.block(null, [
          f.set(index, m.call(N.lookup, [f.param(2), f.param(3)], i32)),
          m.if(m.i32.eq(f.get(index), m.i32.const(LOOKUP_DIR)), m.block(null, [m.call(N.writeStat, [f.param(4), i64Const(m, 1), m.i32.const(FileType.directory), i64Const(m, 0)], none), ok()])),
          m.if(m.i32.lt_s(f.get(index), m.i32.const(0)), fail(Errno.noent)),
          m.call(N.writeStat, [f.param(4), fileIno(m, f.get(index)), m.i32.const(FileType.regularFile), m.call(N.fileSize, [f.get(index)], i64)], none),
          ok(),
        ])),
        m.if(isFile(), fail(Errno.notdir)),
      );
      return;
    }
    case 'path_open': {
      const index = f.local(i32);
      const free = f.local(i32);
      body(
        m.if(isDir(), m.block(null, [
          m.if(m.i32.and(f.param(4), m.i32.const(OFlags.creat | OFlags.excl | OFlags.trunc)), fail(Errno.rofs)),
          f.set(index, m.call(N.lookup, [f.param(2), f.param(3)], i32)),
          m.if(m.i32.eq(f.get(index), m.i32.const(LOOKUP_DIR)), fail(Errno.notsup)), // no fd_readdir
          m.if(m.i32.lt_s(f.get(index), m.i32.const(0)), fail(Errno.noent)),
          m.if(m.i32.and(f.param(4), m.i32.const(OFlags.directory)), fail(Errno.notdir)),
          m.loop('find', m.block(null, [
            m.if(m.i32.ge_u(f.get(free), m.i32.const(OPEN_SLOTS)), fail(Errno.mfile)),
            m.if(m.i32.ge_s(m.call(N.getFile, [f.get(free)], i32), m.i32.const(0)), m.block(null, [f.set(free, m.i32.add(f.get(free), m.i32.const(1))), m.br('find')])),
          ])),
          m.call(N.setSlot, [f.get(free), f.get(index), i64Const(m, 0)], none),
          m.i32.store(0, 4, f.param(8), m.i32.add(f.get(free), m.i32.const(FILE_FD_BASE))),
          ok(),
        ])),
        m.if(isFile(), fail(Errno.notdir)),
      );
      return;
    }
    case 'fd_close':
      // Closing the mount is a no-op: its fd number must stay reserved.
      body(m.if(isDir(), ok()), m.if(isFile(), m.block(null, [m.call(N.setSlot, [f.get(slot), m.i32.const(-1), i64Const(m, 0)], none), ok()])));
      return;
    case 'fd_read': {
      const result = f.local(i32);
      body(
        m.if(isDir(), fail(Errno.isdir)),
        m.if(isFile(), m.block(null, [
          f.set(result, m.call(N.readv, [fileOf(), f.param(1), f.param(2), posOf(), f.param(3)], i32)),
          m.if(m.i32.eqz(f.get(result)), m.call(N.setSlot, [f.get(slot), fileOf(), m.i64.add(posOf(), m.i64.extend_u(m.i32.load(0, 4, f.param(3))))], none)),
          m.return(f.get(result)),
        ])),
      );
      return;
    }
    case 'fd_pread':
      body(m.if(isDir(), fail(Errno.isdir)), m.if(isFile(), m.return(m.call(N.readv, [fileOf(), f.param(1), f.param(2), f.param(3), f.param(4)], i32))));
      return;
    case 'fd_seek': {
      const next = f.local(i64);
      body(
        m.if(isDir(), fail(Errno.spipe)),
        m.if(isFile(), m.block(null, [
          f.set(next, f.param(1)),
          m.if(m.i32.eq(f.param(2), m.i32.const(1)), f.set(next, m.i64.add(posOf(), f.param(1))),
            m.if(m.i32.eq(f.param(2), m.i32.const(2)), f.set(next, m.i64.add(m.call(N.fileSize, [fileOf()], i64), f.param(1))),
              m.if(m.i32.ne(f.param(2), m.i32.const(0)), fail(Errno.inval)))),
          m.if(m.i64.lt_s(f.get(next), i64Const(m, 0)), fail(Errno.inval)),
          m.call(N.setSlot, [f.get(slot), fileOf(), f.get(next)], none),
          m.i64.store(0, 8, f.param(3), f.get(next)),
          ok(),
        ])),
      );
      return;
    }
    case 'fd_tell':
      body(m.if(isDir(), fail(Errno.spipe)), m.if(isFile(), m.block(null, [m.i64.store(0, 8, f.param(1), posOf()), ok()])));
      return;
    default:
      throw new Error(`no handler for ${base}`);
  }
}

/** A guarded function: fails with `errno` on our fds, otherwise calls the real import. */
export function buildGuard(ctx: HandlerContext, internalName: string, params: readonly binaryen.Type[], fds: readonly number[], errno: number): void {
  const { m } = ctx;
  const f = new FnBuilder(m, params);
  const ours = (i: number) => m.i32.or(isMount(m, f.param(i)), m.i32.ge_s(m.call(N.slotOf, [f.param(i)], i32), m.i32.const(0)));
  const hit = fds.map(ours).reduce((a, b) => m.i32.or(a, b));
  f.add(internalName, i32, m.block(null, [
    m.if(hit, m.return(m.i32.const(errno))),
    m.return(m.call(N.real(internalName), params.map((_, i) => f.param(i)), i32)),
  ], i32));
}

// The mount's fd is -1 (0xffffffff) until libc enumerates preopens; a guest passing that fd must
// not reach the mount before it exists.
function isMount(m: binaryen.Module, fd: Ref): Ref {
  return m.i32.and(m.i32.eq(fd, m.global.get(N.dirFd, i32)), m.i32.ge_s(m.global.get(N.dirFd, i32), m.i32.const(0)));
}

// Inode numbers: 1 is the mount, files count from 2.
function fileIno(m: binaryen.Module, file: Ref): Ref {
  return m.i64.extend_u(m.i32.add(file, m.i32.const(2)));
}
