import binaryen from 'binaryen';
import { CHUNK_SHIFT } from '../layout.js';
import type { EmbeddedFile } from '../layout.js';
import { dispatch } from './dispatch.js';
import { FnBuilder } from './fn-builder.js';
import { FILE_FD_BASE, OPEN_SLOTS } from './wasi-abi.js';
import { N } from './names.js';

const { i32, i64, none } = binaryen;

/**
 * The shim's run-time state lives in globals, never in the module's linear memory (which belongs to
 * the program): the mount's fd, a host preopen to hold that fd number, and per open file a slot of
 * (file index or -1, position). Accessors dispatch over the slot number because globals are static.
 */
export function addState(m: binaryen.Module): void {
  m.addGlobal(N.dirFd, i32, true, m.i32.const(-1));
  m.addGlobal(N.hostDir, i32, true, m.i32.const(-1));
  for (let s = 0; s < OPEN_SLOTS; s++) {
    m.addGlobal(N.slotFile(s), i32, true, m.i32.const(-1));
    m.addGlobal(N.slotPos(s), i64, true, i64Const(m, 0));
  }
  const slot = () => m.local.get(0, i32);
  const getFile = new FnBuilder(m, [i32]);
  getFile.add(N.getFile, i32, dispatch(m, slot, OPEN_SLOTS, (s) => m.global.get(N.slotFile(s), i32)));
  const getPos = new FnBuilder(m, [i32]);
  getPos.add(N.getPos, i64, dispatch(m, slot, OPEN_SLOTS, (s) => m.global.get(N.slotPos(s), i64)));
  const setSlot = new FnBuilder(m, [i32, i32, i64]);
  setSlot.add(N.setSlot, none, dispatch(m, slot, OPEN_SLOTS, (s) => m.block(null, [
    m.global.set(N.slotFile(s), setSlot.param(1)),
    m.global.set(N.slotPos(s), setSlot.param(2)),
  ])));

  // fd -> slot of an open embedded file, or -1.
  const slotOf = new FnBuilder(m, [i32]);
  const s = slotOf.local(i32);
  slotOf.add(N.slotOf, i32, m.block(null, [
    slotOf.set(s, m.i32.sub(slotOf.param(0), m.i32.const(FILE_FD_BASE))),
    m.if(m.i32.ge_u(slotOf.get(s), m.i32.const(OPEN_SLOTS)), m.return(m.i32.const(-1))),
    m.if(m.i32.lt_s(m.call(N.getFile, [slotOf.get(s)], i32), m.i32.const(0)), m.return(m.i32.const(-1))),
    m.return(slotOf.get(s)),
  ], i32));
}

/** Per-file constants (size, first chunk) and the memory.init of one chunk, as dispatch trees. */
export function addFileTable(m: binaryen.Module, files: readonly EmbeddedFile[], chunkCount: number): void {
  const file = () => m.local.get(0, i32);
  new FnBuilder(m, [i32]).add(N.fileSize, i64, dispatch(m, file, files.length, (f) => i64Const(m, files[f]!.size)));
  new FnBuilder(m, [i32]).add(N.fileChunk, i32, dispatch(m, file, files.length, (f) => m.i32.const(files[f]!.firstChunk)));
  // (chunk, dest, offset in chunk, length)
  const init = new FnBuilder(m, [i32, i32, i32, i32]);
  init.add(N.initChunk, none, dispatch(m, () => init.param(0), chunkCount, (c) => m.memory.init(N.segment(c), init.param(1), init.param(2), init.param(3))));

  // copy(file, offset i64, dest, length): memory.init from as many chunks as the range spans.
  const copy = new FnBuilder(m, [i32, i64, i32, i32]);
  const chunk = copy.local(i32);
  const within = copy.local(i32);
  const n = copy.local(i32);
  const [dest, length] = [2, 3];
  const chunkSize = m.i32.const(2 ** CHUNK_SHIFT);
  copy.add(N.copy, none, m.block(null, [
    copy.set(chunk, m.i32.add(m.call(N.fileChunk, [copy.param(0)], i32), m.i32.wrap(m.i64.shr_u(copy.param(1), i64Const(m, CHUNK_SHIFT))))),
    copy.set(within, m.i32.wrap(m.i64.and(copy.param(1), i64Const(m, 2 ** CHUNK_SHIFT - 1)))),
    m.loop('next', m.if(m.i32.ne(copy.get(length), m.i32.const(0)), m.block(null, [
      copy.set(n, m.i32.sub(chunkSize, copy.get(within))),
      m.if(m.i32.lt_u(copy.get(length), copy.get(n)), copy.set(n, copy.get(length))),
      m.call(N.initChunk, [copy.get(chunk), copy.get(dest), copy.get(within), copy.get(n)], none),
      copy.set(dest, m.i32.add(copy.get(dest), copy.get(n))),
      copy.set(length, m.i32.sub(copy.get(length), copy.get(n))),
      copy.set(chunk, m.i32.add(copy.get(chunk), m.i32.const(1))),
      copy.set(within, m.i32.const(0)),
      m.br('next'),
    ]))),
  ]));
}

export function i64Const(m: binaryen.Module, value: number | bigint): binaryen.ExpressionRef {
  // binaryen 132 takes one bigint (its index.d.ts still shows the old low/high pair).
  return (m.i64.const as unknown as (v: bigint) => binaryen.ExpressionRef)(BigInt.asIntN(64, BigInt(value)));
}
