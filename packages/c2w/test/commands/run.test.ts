import { Parser } from '@c2w/cli-kit';
import Run, { containerArgs } from '../../src/commands/run.js';

const parse = (argv: string[]) => Parser.parse(argv, { args: Run.args, flags: Run.flags, strict: Run.strict });

describe('c2w run command line', () => {
  it.each([
    [['B', '--', 'sh', '-c', 'echo "$0 $1"', 'sh', 'a'], ['sh', '-c', 'echo "$0 $1"', 'sh', 'a']],
    [['-e', 'X=1', 'B', '--', 'echo', 'a', 'b', 'a', 'X=1', '', ''], ['echo', 'a', 'b', 'a', 'X=1', '', '']],
    [['B', 'echo', 'x', 'x', '--', '-e', 'B'], ['echo', 'x', 'x', '-e', 'B']],
    [['B'], []],
  ])('passes %j to the container in order', async (argv, want) => {
    const parsed = await parse(argv);
    expect(parsed.args.bundle).toBe('B');
    expect(containerArgs(parsed.raw)).toEqual(want);
  });

  it('keeps 2000 arguments with repeats in order', async () => {
    const many = Array.from({ length: 2000 }, (_, i) => `v${i % 7}`);
    expect(containerArgs((await parse(['B', '--', ...many])).raw)).toEqual(many);
  });
});
