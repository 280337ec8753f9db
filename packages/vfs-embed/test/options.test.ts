import { VfsEmbedOptions } from '../src/options.js';

describe('VfsEmbedOptions', () => {
  it.each(['/embed', '/', '/a/b'])('accepts the mount %s', (mount) => {
    expect(VfsEmbedOptions.safeParse({ mount, allowLarge: false }).success).toBe(true);
  });
  it.each(['embed', '', '/a/./b', '/..', 'a/b'])('refuses the mount %j', (mount) => {
    expect(VfsEmbedOptions.safeParse({ mount, allowLarge: false }).success).toBe(false);
  });
});
