import { appletNames, appletPath } from '../../src/guest/busybox-applets.js';
import { FAKE_BUSYBOX } from '../fixtures/guest-debs.js';

async function* chunks(buf: Buffer, size: number) {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

describe('appletNames', () => {
  it.each([1, 3, 4096, 1 << 20])('reads the applet table in %i-byte chunks', async (size) => {
    expect(await appletNames(chunks(FAKE_BUSYBOX, size), 'busybox')).toEqual(['[', '[[', 'ash', 'cat', 'date', 'devmem', 'ip', 'ls', 'mount', 'poweroff', 'sh', 'tar']);
  });

  it('fails on a binary without an applet table', async () => {
    await expect(appletNames(chunks(Buffer.alloc(1000, 1), 100), 'busybox')).rejects.toThrow(/no busybox applet table/);
  });

  it('puts applets where busybox --list-full does, merged into /usr', () => {
    expect(appletPath('ls')).toBe('usr/bin/ls');
    expect(appletPath('devmem')).toBe('usr/sbin/devmem');
    expect(appletPath('chroot')).toBe('usr/sbin/chroot');
  });
});
