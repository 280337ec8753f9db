import binaryen from 'binaryen';
import type { HandlerKit } from './handler-kit.js';
import { N } from './names.js';
import { i64Const } from './state.js';
import { Errno } from './wasi-abi.js';

const { i32, i64, none } = binaryen;

/** Reading and positioning an embedded file (readv does the memory.init work). */
export const HANDLERS: Record<string, (kit: HandlerKit) => void> = {
  fd_read: ({ m, f, isDir, isFile, fileOf, posOf, slot, fail, body }) => {
    const result = f.local(i32);
    body(
      m.if(isDir(), fail(Errno.isdir)),
      m.if(isFile(), m.block(null, [
        f.set(result, m.call(N.readv, [fileOf(), f.param(1), f.param(2), posOf(), f.param(3)], i32)),
        m.if(m.i32.eqz(f.get(result)), m.call(N.setSlot, [f.get(slot), fileOf(), m.i64.add(posOf(), m.i64.extend_u(m.i32.load(0, 4, f.param(3))))], none)),
        m.return(f.get(result)),
      ])),
    );
  },
  fd_pread: ({ m, f, isDir, isFile, fileOf, fail, body }) => {
    body(m.if(isDir(), fail(Errno.isdir)), m.if(isFile(), m.return(m.call(N.readv, [fileOf(), f.param(1), f.param(2), f.param(3), f.param(4)], i32))));
  },
  fd_seek: ({ m, f, isDir, isFile, fileOf, posOf, slot, ok, fail, body }) => {
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
  },
  fd_tell: ({ m, f, isDir, isFile, posOf, ok, fail, body }) => {
    body(m.if(isDir(), fail(Errno.spipe)), m.if(isFile(), m.block(null, [m.i64.store(0, 8, f.param(1), posOf()), ok()])));
  },
};
