import binaryen from 'binaryen';
import { FnBuilder } from './fn-builder.js';
import { N } from './names.js';
import { Errno } from './wasi-abi.js';

const { i32, i64 } = binaryen;
type Ref = binaryen.ExpressionRef;

/** What a handler needs: the module, the mount's bytes and the internal names of the real imports. */
export interface HandlerContext {
  m: binaryen.Module;
  mount: Buffer;
  real: (base: string) => string | undefined;
}

/** The pieces every handler is written with, bound to one function being generated. */
export interface HandlerKit {
  m: binaryen.Module;
  ctx: HandlerContext;
  f: FnBuilder;
  internalName: string;
  /** Local holding the fd's slot (or -1), set on entry. */
  slot: number;
  isDir: () => Ref;
  isFile: () => Ref;
  fileOf: () => Ref;
  posOf: () => Ref;
  ok: () => Ref;
  fail: (errno: number) => Ref;
  /** Adds the function: find the slot, run `parts`, else call the real import with the same arguments. */
  body: (...parts: Ref[]) => void;
}

export function handlerKit(ctx: HandlerContext, internalName: string, params: readonly binaryen.Type[]): HandlerKit {
  const { m } = ctx;
  const f = new FnBuilder(m, params);
  const slot = f.local(i32);
  const passThrough = () => m.return(m.call(N.real(internalName), params.map((_, i) => f.param(i)), i32));
  return {
    m, ctx, f, internalName, slot,
    isDir: () => isMount(m, f.param(0)),
    isFile: () => m.i32.ge_s(f.get(slot), m.i32.const(0)),
    fileOf: () => m.call(N.getFile, [f.get(slot)], i32),
    posOf: () => m.call(N.getPos, [f.get(slot)], i64),
    ok: () => m.return(m.i32.const(Errno.success)),
    fail: (errno) => m.return(m.i32.const(errno)),
    body: (...parts) => f.add(internalName, i32, m.block(null, [f.set(slot, m.call(N.slotOf, [f.param(0)], i32)), ...parts, passThrough()], i32)),
  };
}

// The mount's fd is -1 (0xffffffff) until libc enumerates preopens; a guest passing that fd must
// not reach the mount before it exists.
export function isMount(m: binaryen.Module, fd: Ref): Ref {
  return m.i32.and(m.i32.eq(fd, m.global.get(N.dirFd, i32)), m.i32.ge_s(m.global.get(N.dirFd, i32), m.i32.const(0)));
}

// Inode numbers: 1 is the mount, files count from 2.
export function fileIno(m: binaryen.Module, file: Ref): Ref {
  return m.i64.extend_u(m.i32.add(file, m.i32.const(2)));
}
