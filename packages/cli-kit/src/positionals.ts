/**
 * Every positional token of a parsed command line, in the order given. Use it instead of oclif's
 * `argv`, which is ordered by each value's first occurrence and so groups repeated values
 * (`-- sh -c 'echo $1' sh a` became `sh sh -c ...`).
 */
export function positionals(raw: readonly { type: string; input: string }[]): string[] {
  return raw.filter((t) => t.type === 'arg').map((t) => t.input);
}
