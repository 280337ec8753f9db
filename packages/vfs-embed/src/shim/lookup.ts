import binaryen from 'binaryen';
import type { EmbeddedFile } from '../layout.js';
import { FnBuilder } from './fn-builder.js';
import { N } from './names.js';
import { i64Const } from './state.js';

const { i32 } = binaryen;

/** lookup(path, len): the index of the embedded file named so, LOOKUP_DIR for the mount itself, or -1. */
export const LOOKUP_DIR = -2;

/**
 * Names are compared as bytes with wide loads against constants compiled into the code, so the
 * shim needs no memory of its own. Leading "./" components are dropped (libc passes paths relative
 * to the preopen). One comparison per file: fine for the tens to thousands of files embedded.
 */
export function addLookup(m: binaryen.Module, files: readonly EmbeddedFile[]): void {
  const f = new FnBuilder(m, [i32, i32]);
  const [path, len] = [0, 1];
  const byteAt = (k: number) => m.i32.load8_u(k, 1, f.get(path));
  const body: binaryen.ExpressionRef[] = [
    m.loop('strip', m.if(
      m.i32.and(m.i32.ge_u(f.get(len), m.i32.const(2)), m.i32.and(m.i32.eq(byteAt(0), m.i32.const(0x2e)), m.i32.eq(byteAt(1), m.i32.const(0x2f)))),
      m.block(null, [f.set(path, m.i32.add(f.get(path), m.i32.const(2))), f.set(len, m.i32.sub(f.get(len), m.i32.const(2))), m.br('strip')]),
    )),
    m.if(m.i32.eqz(f.get(len)), m.return(m.i32.const(LOOKUP_DIR))),
    m.if(m.i32.and(m.i32.eq(f.get(len), m.i32.const(1)), m.i32.eq(byteAt(0), m.i32.const(0x2e))), m.return(m.i32.const(LOOKUP_DIR))),
  ];
  files.forEach((file, index) => {
    const name = Buffer.from(file.name, 'utf8');
    body.push(m.if(m.i32.eq(f.get(len), m.i32.const(name.length)), m.if(equalsBytes(m, () => f.get(path), name), m.return(m.i32.const(index)))));
  });
  body.push(m.return(m.i32.const(-1)));
  f.add(N.lookup, i32, m.block(null, body, i32));
}

// AND of 8-, 4- and 1-byte loads compared with the name's bytes (unaligned loads are legal in wasm).
function equalsBytes(m: binaryen.Module, ptr: () => binaryen.ExpressionRef, name: Buffer): binaryen.ExpressionRef {
  const parts: binaryen.ExpressionRef[] = [];
  let k = 0;
  for (; k + 8 <= name.length; k += 8) parts.push(m.i64.eq(m.i64.load(k, 1, ptr()), i64Const(m, name.readBigUInt64LE(k))));
  for (; k + 4 <= name.length; k += 4) parts.push(m.i32.eq(m.i32.load(k, 1, ptr()), m.i32.const(name.readInt32LE(k))));
  for (; k < name.length; k++) parts.push(m.i32.eq(m.i32.load8_u(k, 1, ptr()), m.i32.const(name[k]!)));
  return parts.reduce((a, b) => m.i32.and(a, b), m.i32.const(1));
}
