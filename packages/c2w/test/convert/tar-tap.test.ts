import { PassThrough } from 'node:stream';
import { makeTar } from '@c2w/testing';
import { tapTar } from '../../src/convert/tar-tap.js';

describe('tapTar', () => {
  it('forwards every byte and picks up /etc/passwd and /etc/group', async () => {
    const tar = await makeTar([
      { name: 'etc/', type: 'directory' },
      { name: 'etc/group', body: 'root:x:0:\n' },
      { name: 'etc/passwd', body: 'root:x:0:0::/root:/bin/sh\n' },
      { name: 'big', body: 'x'.repeat(300_000) },
    ]);
    const target = new PassThrough();
    const received: Buffer[] = [];
    target.on('data', (c: Buffer) => received.push(c));
    const counts: Array<[number, number]> = [];
    const { sink, files } = tapTar(target, (entries, bytes) => counts.push([entries, bytes]));
    for (let i = 0; i < tar.length; i += 4099) if (!sink.write(tar.subarray(i, i + 4099))) await new Promise((r) => sink.once('drain', r));
    sink.end();
    await new Promise((r) => target.on('end', r));
    expect(Buffer.concat(received).equals(tar)).toBe(true);
    expect(counts).toEqual([[1, 0], [2, 10], [3, 36], [4, 300_036]]);
    expect(Object.fromEntries(await files)).toEqual({ 'etc/group': 'root:x:0:\n', 'etc/passwd': 'root:x:0:0::/root:/bin/sh\n' });
  });
});
