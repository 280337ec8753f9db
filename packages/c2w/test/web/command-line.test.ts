// @ts-expect-error plain browser JavaScript, no declarations
import { commandQuery, splitWords } from '../../web/command-line.js';

describe('splitWords', () => {
  it('splits like a shell: quotes, backslashes, empty quoted words', () => {
    expect(splitWords(`python3 -c 'print(6*7)'`)).toEqual(['python3', '-c', 'print(6*7)']);
    expect(splitWords(`sh -c "echo \\"a b\\"" x\\ y ''`)).toEqual(['sh', '-c', 'echo "a b"', 'x y', '']);
    expect(splitWords('   ')).toEqual([]);
  });
  it('refuses an unterminated quote', () => {
    expect(() => splitWords(`echo 'x`)).toThrow(/unterminated ' quote/);
  });
});

describe('commandQuery', () => {
  it('makes one arg per word and one env per variable', () => {
    expect(commandQuery(['echo', 'a&b'], ['K=v w']).toString()).toBe('arg=echo&arg=a%26b&env=K%3Dv+w');
  });
  it('adds init=1 when the form asks for docker\'s --init', () => {
    expect(commandQuery(['sh'], [], true).toString()).toBe('arg=sh&init=1');
    expect(commandQuery(['sh'], [], false).toString()).toBe('arg=sh');
  });
});
