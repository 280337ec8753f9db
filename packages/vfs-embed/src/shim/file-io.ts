import binaryen from 'binaryen';
import { FnBuilder } from './fn-builder.js';
import { N } from './names.js';
import { EMBED_DEV, Errno, FILESTAT } from './wasi-abi.js';
import { i64Const } from './state.js';

const { i32, i64, none } = binaryen;

/**
 * readv(file, iovs, iov count, offset i64, nread ptr) -> errno: fills each iovec with memory.init
 * of exactly the bytes it asks for, stopping at the end of the file or at a short iovec, as a
 * read(2) would. A buffer outside linear memory is EFAULT instead of a trap.
 * writeStat(buf, ino, filetype, size i64) fills a filestat with zero times (deterministic).
 */
export function addFileIo(m: binaryen.Module): void {
  const f = new FnBuilder(m, [i32, i32, i32, i64, i32]);
  const [file, iovs, count, offset, nreadPtr] = [0, 1, 2, 3, 4];
  const i = f.local(i32);
  const buf = f.local(i32);
  const len = f.local(i32);
  const n = f.local(i32);
  const total = f.local(i32);
  const size = f.local(i64);
  const memBytes = () => m.i64.shl(m.i64.extend_u(m.memory.size()), i64Const(m, 16));
  f.add(N.readv, i32, m.block(null, [
    f.set(size, m.call(N.fileSize, [f.get(file)], i64)),
    m.block('done', [m.loop('iov', m.if(m.i32.lt_u(f.get(i), f.get(count)), m.block(null, [
      f.set(buf, m.i32.load(0, 4, m.i32.add(f.get(iovs), m.i32.shl(f.get(i), m.i32.const(3))))),
      f.set(len, m.i32.load(4, 4, m.i32.add(f.get(iovs), m.i32.shl(f.get(i), m.i32.const(3))))),
      // n = min(len, max(size - offset, 0))
      f.set(n, f.get(len)),
      m.if(m.i64.ge_u(f.get(offset), f.get(size)), f.set(n, m.i32.const(0)),
        m.if(m.i64.lt_u(m.i64.sub(f.get(size), f.get(offset)), m.i64.extend_u(f.get(len))), f.set(n, m.i32.wrap(m.i64.sub(f.get(size), f.get(offset)))))),
      m.if(m.i64.gt_u(m.i64.add(m.i64.extend_u(f.get(buf)), m.i64.extend_u(f.get(n))), memBytes()), m.return(m.i32.const(Errno.fault))),
      m.call(N.copy, [f.get(file), f.get(offset), f.get(buf), f.get(n)], none),
      f.set(offset, m.i64.add(f.get(offset), m.i64.extend_u(f.get(n)))),
      f.set(total, m.i32.add(f.get(total), f.get(n))),
      m.br('done', m.i32.lt_u(f.get(n), f.get(len))),
      f.set(i, m.i32.add(f.get(i), m.i32.const(1))),
      m.br('iov'),
    ])))]),
    m.i32.store(0, 4, f.get(nreadPtr), f.get(total)),
    m.return(m.i32.const(Errno.success)),
  ], i32));

  const s = new FnBuilder(m, [i32, i64, i32, i64]);
  const [sbuf, ino, type, ssize] = [0, 1, 2, 3];
  s.add(N.writeStat, none, m.block(null, [
    m.memory.fill(s.get(sbuf), m.i32.const(0), m.i32.const(64)),
    m.i64.store(FILESTAT.dev, 8, s.get(sbuf), i64Const(m, EMBED_DEV)),
    m.i64.store(FILESTAT.ino, 8, s.get(sbuf), s.get(ino)),
    m.i32.store8(FILESTAT.filetype, 1, s.get(sbuf), s.get(type)),
    m.i64.store(FILESTAT.nlink, 8, s.get(sbuf), i64Const(m, 1)),
    m.i64.store(FILESTAT.size, 8, s.get(sbuf), s.get(ssize)),
  ]));
}
