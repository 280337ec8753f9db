// --net: the virtio-net device (native/common/virtio_net.c) on the Node host's user-mode network
// (src/net-host.ts, packages/usernet). Only the wasm build has a frame channel (the Node host
// answers it); the native build has no host end to talk to. The test root's shell configures
// eth0 by hand, so this needs nothing of the kernel but VIRTIO_NET and INET.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { artifacts, runMachine, type Artifacts } from './helpers.js';

// busybox ash prompt, followed by its cursor position query (ESC [ 6 n)
const PROMPT = /# (\x1b\[6n)?$/;
const BODY = randomBytes(3 << 20);
let a: Artifacts;
let server: Server;
let port: number;
beforeAll(async () => {
  a = artifacts();
  server = createServer((req, res) => res.end(req.url === '/body' ? BODY : 'no'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => server.close());

it('pings the gateway and fetches 3 MiB from a host HTTP server byte for byte (wasm)', async () => {
  let step = 0;
  const r = await runMachine('wasm', ['--bios', a.C2W_FW, '--kernel', a.C2W_KERNEL, '--drive', `${a.C2W_ROOT_ISO},ro`,
    '--append', 'console=ttyS0 root=/dev/vda rootfstype=iso9660 ro init=/init c2w.shell=1 quiet', '--quiet-firmware', '--net'], {
    timeoutMs: 240_000,
    interact: (out) => {
      if (step === 0 && /C2W-SHELL\r?\n/.test(out) && PROMPT.test(out)) {
        step = 1;
        return 'ip link set eth0 up && ip addr add 10.0.2.15/24 dev eth0 && ip route add default via 10.0.2.2 && ' +
          `ping -c 1 10.0.2.2 | grep -c "bytes from 10.0.2.2" && wget -q -O - http://10.0.2.2:${port}/body | sha256sum; ` +
          'cat /sys/class/net/eth0/address; exit\n';
      }
      return null;
    },
  });
  expect(r.stdout).toMatch(/\n1\r?\n/);
  expect(r.stdout).toContain(`${createHash('sha256').update(BODY).digest('hex')}  -`);
  expect(r.stdout).toContain('52:54:00:12:34:56');
  expect(r.stdout).toContain('C2W-SHELL-EXIT 0');
}, 300_000);
