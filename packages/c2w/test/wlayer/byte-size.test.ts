import { UsageError } from '@c2w/errors';
import { parseByteSize } from '../../src/wlayer/byte-size.js';
import { checkHostMemory } from '../../src/wlayer/host-space.js';

describe('parseByteSize', () => {
  it.each([['4096', 4096], ['512M', 512 * 2 ** 20], ['16G', 16 * 2 ** 30], ['1t', 2 ** 40], ['64MiB', 64 * 2 ** 20]])('%s', (text, bytes) => {
    expect(parseByteSize(text, '--disk-size')).toBe(bytes);
  });
  it.each(['', '0', '-1G', '1.5G', '12X', 'G'])('refuses %j as a usage error naming the flag', (text) => {
    expect(() => parseByteSize(text, '--disk-size')).toThrow(UsageError);
    expect(() => parseByteSize(text, '--disk-size')).toThrow(/^--disk-size /);
  });
});

describe('checkHostMemory', () => {
  it('refuses guest RAM beyond the host\'s, in one line', () => {
    expect(() => checkHostMemory(2 ** 31, '--memory', 2 ** 30)).toThrow('--memory: the host has 1024 MiB of memory, cannot give the guest 2048 MiB');
    expect(() => checkHostMemory(2 ** 29, '--memory', 2 ** 30)).not.toThrow();
  });
});
