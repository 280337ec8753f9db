import type binaryen from 'binaryen';

/**
 * A balanced tree of `if`s over an index in [0, count): leaf(i) runs when the index is i. Static
 * immediates (the data segment of memory.init, a global) need one code path per value; a tree keeps
 * that O(log n) deep and avoids br_table's 65,520-target cap. `index` must be side-effect free.
 */
export function dispatch(m: binaryen.Module, index: () => binaryen.ExpressionRef, count: number, leaf: (i: number) => binaryen.ExpressionRef): binaryen.ExpressionRef {
  if (count <= 0) return m.unreachable();
  const build = (lo: number, hi: number): binaryen.ExpressionRef => {
    if (hi - lo === 1) return leaf(lo);
    const mid = lo + Math.floor((hi - lo) / 2);
    return m.if(m.i32.lt_u(index(), m.i32.const(mid)), build(lo, mid), build(mid, hi));
  };
  return build(0, count);
}
