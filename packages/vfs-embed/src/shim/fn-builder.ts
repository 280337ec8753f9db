import binaryen from 'binaryen';

type Ref = binaryen.ExpressionRef;

/**
 * Locals of one generated function: the parameters first, then variables allocated by type.
 * Keeps the handlers readable (`f.get(size)`) instead of juggling raw local indices.
 */
export class FnBuilder {
  private readonly vars: binaryen.Type[] = [];

  constructor(readonly m: binaryen.Module, private readonly params: readonly binaryen.Type[]) {}

  param(i: number): Ref {
    return this.m.local.get(i, this.params[i]!);
  }

  local(type: binaryen.Type): number {
    this.vars.push(type);
    return this.params.length + this.vars.length - 1;
  }

  get(index: number): Ref {
    return this.m.local.get(index, this.typeOf(index));
  }

  set(index: number, value: Ref): Ref {
    return this.m.local.set(index, value);
  }

  add(name: string, results: binaryen.Type, body: Ref): void {
    this.m.addFunction(name, binaryen.createType([...this.params]), results, this.vars, body);
  }

  private typeOf(index: number): binaryen.Type {
    return index < this.params.length ? this.params[index]! : this.vars[index - this.params.length]!;
  }
}
