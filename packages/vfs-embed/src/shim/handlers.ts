import binaryen from 'binaryen';
import { FnBuilder } from './fn-builder.js';
import { handlerKit, isMount, type HandlerContext } from './handler-kit.js';
import { HANDLERS as OPEN } from './handlers-open.js';
import { HANDLERS as PREOPEN } from './handlers-preopen.js';
import { HANDLERS as READ } from './handlers-read.js';
import { HANDLERS as STAT } from './handlers-stat.js';
import { N } from './names.js';

const { i32 } = binaryen;
const SERVED_BY = { ...PREOPEN, ...OPEN, ...READ, ...STAT };

/**
 * The body of a served preview1 function. Each starts with "is this fd ours?" (the mount's fd or an
 * open embedded file) and otherwise calls the real import with the same arguments.
 */
export function buildHandler(ctx: HandlerContext, base: string, internalName: string, params: readonly binaryen.Type[]): void {
  const build = SERVED_BY[base];
  if (!build) throw new Error(`no handler for ${base}`);
  build(handlerKit(ctx, internalName, params));
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
