import { listTar, makeTar } from '../src/index.js';

describe('makeTar/listTar', () => {
  it('round-trips fixture entries', async () => {
    const tar = await makeTar([{ name: 'etc/', type: 'directory' }, { name: 'etc/hosts', body: 'x', uid: 5 }]);
    expect(await listTar(tar)).toEqual([
      expect.objectContaining({ name: 'etc/', type: 'directory', mode: 0o755 }),
      expect.objectContaining({ name: 'etc/hosts', type: 'file', uid: 5, body: 'x' }),
    ]);
  });
  it('can omit end-of-archive blocks as umoci 0.4.7 does', async () => {
    const tar = await makeTar([{ name: 'a', body: 'x' }], { endBlocks: false });
    expect(tar.length).toBe(1024);
  });
});
