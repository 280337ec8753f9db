import binaryen from 'binaryen';
import { fileIno, type HandlerKit } from './handler-kit.js';
import { LOOKUP_DIR } from './lookup.js';
import { N } from './names.js';
import { i64Const } from './state.js';
import { Errno, FILE_FD_BASE, FileType, OFlags, OPEN_SLOTS } from './wasi-abi.js';

const { i32, i64, none } = binaryen;

/** Opening, stat-ing by path and closing: names under the mount become slots of embedded files. */
export const HANDLERS: Record<string, (kit: HandlerKit) => void> = {
  path_open: ({ m, f, isDir, isFile, ok, fail, body }) => {
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
  },
  path_filestat_get: ({ m, f, isDir, isFile, ok, fail, body }) => {
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
  },
  fd_close: ({ m, f, isDir, isFile, slot, ok, body }) => {
    // Closing the mount is a no-op: its fd number must stay reserved.
    body(m.if(isDir(), ok()), m.if(isFile(), m.block(null, [m.call(N.setSlot, [f.get(slot), m.i32.const(-1), i64Const(m, 0)], none), ok()])));
  },
};
