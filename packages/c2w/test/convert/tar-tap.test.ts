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

  it('leaves what the target still buffers to its reader when the writing side finishes', async () => {
    // A Writable destroys itself after 'finish' (autoDestroy): that must not destroy the target
    // while a slow reader (the root packer) has not read its last chunks yet ("Premature close").
    const tar = await makeTar([{ name: 'big', body: 'y'.repeat(200_000) }]);
    const target = new PassThrough({ highWaterMark: 1 << 20 });
    const { sink, files } = tapTar(target);
    sink.end(tar);
    await new Promise((r) => sink.once('close', r));
    const received: Buffer[] = [];
    for await (const c of target) received.push(c as Buffer);
    expect(Buffer.concat(received).equals(tar)).toBe(true);
    expect((await files).size).toBe(0);
  });

  it('destroys the target when the writing side fails', async () => {
    const target = new PassThrough();
    const { sink } = tapTar(target);
    sink.on('error', () => {}); // the producer's own failure, reported by its caller
    sink.destroy(new Error('flatten failed'));
    await expect((async () => { for await (const c of target) void c; })()).rejects.toThrow('flatten failed');
  });
});
