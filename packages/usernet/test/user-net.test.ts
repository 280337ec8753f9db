import { createHash, randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import { DNS_IP, F, GUEST_IP, GUEST_MAC, GW_IP, GW_MAC, TestGuest, eth, ip, ipv4, udp } from './guest.js';
import { GuestTcp } from './guest-tcp.js';

const cleanups: (() => void)[] = [];
afterEach(() => { for (const c of cleanups.splice(0)) c(); });

function guest(opts = {}): TestGuest {
  const g = new TestGuest(opts);
  cleanups.push(() => g.net.close());
  return g;
}

async function server(onConn: (s: Socket) => void): Promise<{ server: Server; port: number }> {
  // the stack resets what is still open when a test ends: that is expected here
  const s = createServer({ allowHalfOpen: true }, (c) => { c.on('error', () => undefined); onConn(c); });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  cleanups.push(() => s.close());
  return { server: s, port: (s.address() as AddressInfo).port };
}

function arpRequest(target: number): Buffer {
  const a = Buffer.alloc(28);
  a.writeUInt16BE(1, 0); a.writeUInt16BE(0x0800, 2); a.writeUInt8(6, 4); a.writeUInt8(4, 5); a.writeUInt16BE(1, 6);
  GUEST_MAC.copy(a, 8); a.writeUInt32BE(GUEST_IP, 14); a.writeUInt32BE(target, 24);
  return eth(0x0806, a, Buffer.alloc(6, 0xff));
}

describe('link layer and local services', () => {
  it('answers ARP for the gateway and DNS addresses with its MAC, not for the guest address', async () => {
    const g = guest();
    g.send(arpRequest(GW_IP));
    g.send(arpRequest(GUEST_IP));
    g.send(arpRequest(DNS_IP));
    const r1 = await g.next((r) => r.ethType === 0x0806);
    const r2 = await g.next((r) => r.ethType === 0x0806);
    expect(r1.payload.readUInt16BE(6)).toBe(2);
    expect(r1.payload.subarray(8, 14)).toEqual(GW_MAC);
    expect([r1.payload.readUInt32BE(14), r2.payload.readUInt32BE(14)]).toEqual([GW_IP, DNS_IP]);
    expect(r1.payload.subarray(18, 24)).toEqual(GUEST_MAC);
    expect(r1.dstMac).toEqual(GUEST_MAC);
    expect(g.received).toHaveLength(0);
  });

  it('leases 10.0.2.15 over DHCP with gateway 10.0.2.2 and DNS 10.0.2.3', async () => {
    const g = guest();
    const msg = (type: number): Buffer => {
      const b = Buffer.alloc(240);
      b.writeUInt8(1, 0); b.writeUInt8(1, 1); b.writeUInt8(6, 2);
      b.writeUInt32BE(0xdeadbeef, 4); GUEST_MAC.copy(b, 28); b.writeUInt32BE(0x63825363, 236);
      return Buffer.concat([b, Buffer.from([53, 1, type, 50, 4, 10, 0, 2, 15, 255])]);
    };
    const options = (p: Buffer): Map<number, Buffer> => {
      const m = new Map<number, Buffer>();
      for (let i = 240; i < p.length && p.readUInt8(i) !== 255; ) {
        if (p.readUInt8(i) === 0) { i++; continue; }
        m.set(p.readUInt8(i), p.subarray(i + 2, i + 2 + p.readUInt8(i + 1)));
        i += 2 + p.readUInt8(i + 1);
      }
      return m;
    };
    for (const [ask, answer] of [[1, 2], [3, 5]] as const) {
      g.send(udp(ip('255.255.255.255'), 68, 67, msg(ask), 0));
      const r = await g.next((x) => x.udp?.dstPort === 68);
      expect(r.udp!.checksumOk).toBe(true);
      expect(r.dstMac).toEqual(GUEST_MAC);
      const d = r.udp!.data;
      expect(d.readUInt32BE(4)).toBe(0xdeadbeef);
      expect(d.readUInt32BE(16)).toBe(GUEST_IP);
      const o = options(d);
      expect(o.get(53)).toEqual(Buffer.from([answer]));
      expect(o.get(1)!.readUInt32BE(0)).toBe(ip('255.255.255.0'));
      expect(o.get(3)!.readUInt32BE(0)).toBe(GW_IP);
      expect(o.get(6)!.readUInt32BE(0)).toBe(DNS_IP);
      expect(o.get(54)!.readUInt32BE(0)).toBe(GW_IP);
    }
  });

  it('answers pings to the gateway with the same identifier, sequence and data', async () => {
    const g = guest();
    const icmp = Buffer.concat([Buffer.from([8, 0, 0, 0, 0x12, 0x34, 0, 7]), Buffer.from('ping data!')]);
    let s = 0;
    for (let i = 0; i < icmp.length; i += 2) s += icmp.readUInt16BE(i);
    while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
    icmp.writeUInt16BE(~s & 0xffff, 2);
    g.send(ipv4(GUEST_IP, GW_IP, 1, icmp));
    const r = await g.next((x) => x.proto === 1);
    expect(r.src).toBe(GW_IP);
    expect(r.ipChecksumOk).toBe(true);
    expect(r.payload.readUInt8(0)).toBe(0);
    expect(r.payload.subarray(4)).toEqual(icmp.subarray(4));
  });

  it('resolves names through its resolver; loopback answers become the gateway, unknown names NXDOMAIN', async () => {
    const g = guest({ lookup: async (name: string) => {
      if (name === 'host.test') return ['127.0.0.1'];
      if (name === 'far.test') return ['192.0.2.7'];
      throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    } });
    const query = (id: number, name: string, type = 1): Buffer => {
      const labels = name.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)]));
      const h = Buffer.alloc(12); h.writeUInt16BE(id, 0); h.writeUInt16BE(0x0100, 2); h.writeUInt16BE(1, 4);
      return Buffer.concat([h, ...labels, Buffer.from([0, 0, type, 0, 1])]);
    };
    const ask = async (id: number, name: string, type = 1): Promise<Buffer> => {
      g.send(udp(DNS_IP, 5353 + id, 53, query(id, name, type)));
      const r = await g.next((x) => x.udp?.dstPort === 5353 + id);
      expect(r.src).toBe(DNS_IP);
      expect(r.udp!.checksumOk).toBe(true);
      return r.udp!.data;
    };
    const a = await ask(1, 'host.test');
    expect(a.readUInt16BE(0)).toBe(1);
    expect(a.readUInt16BE(2) & 0x800f).toBe(0x8000);
    expect(a.readUInt16BE(6)).toBe(1);
    expect(a.readUInt32BE(a.length - 4)).toBe(GW_IP);
    const b = await ask(2, 'far.test');
    expect(b.readUInt32BE(b.length - 4)).toBe(ip('192.0.2.7'));
    const c = await ask(3, 'nothing.test');
    expect(c.readUInt16BE(2) & 0xf).toBe(3);
    expect(c.readUInt16BE(6)).toBe(0);
    const d = await ask(4, 'host.test', 28); // AAAA: an empty answer, the network is IPv4 only
    expect(d.readUInt16BE(2) & 0xf).toBe(0);
    expect(d.readUInt16BE(6)).toBe(0);
  });

  it('asks the DNS servers it is given (a real UDP server of the test)', async () => {
    const dns = createSocket('udp4');
    dns.on('message', (m, rinfo) => {
      // answer every A query with 127.0.0.1: header + question + one record pointing at the name
      const h = Buffer.from(m.subarray(0, 12)); h.writeUInt16BE(0x8180, 2); h.writeUInt16BE(1, 6);
      const rr = Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 1]);
      dns.send(Buffer.concat([h, m.subarray(12), rr]), rinfo.port, rinfo.address);
    });
    await new Promise<void>((r) => dns.bind(0, '127.0.0.1', r));
    cleanups.push(() => dns.close());
    const g = guest({ dnsServers: [`127.0.0.1:${dns.address().port}`] });
    const h = Buffer.alloc(12); h.writeUInt16BE(77, 0); h.writeUInt16BE(0x0100, 2); h.writeUInt16BE(1, 4);
    g.send(udp(DNS_IP, 4000, 53, Buffer.concat([h, Buffer.from([4, ...Buffer.from('mine'), 4, ...Buffer.from('test'), 0, 0, 1, 0, 1])])));
    const r = await g.next((x) => x.udp?.dstPort === 4000);
    expect(r.udp!.data.readUInt32BE(r.udp!.data.length - 4)).toBe(GW_IP);
  });

  it('carries UDP to a host socket and the reply back from the gateway address', async () => {
    const echo = createSocket('udp4');
    echo.on('message', (m, rinfo) => echo.send(Buffer.concat([Buffer.from('echo:'), m]), rinfo.port, rinfo.address));
    await new Promise<void>((r) => echo.bind(0, '127.0.0.1', r));
    cleanups.push(() => echo.close());
    const g = guest();
    g.send(udp(GW_IP, 3333, echo.address().port, Buffer.from('hello')));
    const r = await g.next((x) => x.udp?.dstPort === 3333);
    expect(r.src).toBe(GW_IP);
    expect(r.udp!.srcPort).toBe(echo.address().port);
    expect(r.udp!.data.toString()).toBe('echo:hello');
  });
});

describe('TCP from the guest to the host', () => {
  it('connects, carries data both ways with correct checksums and closes with FINs', async () => {
    let serverSaw = Buffer.alloc(0);
    const ended = new Promise<void>((resolve) => {
      void server((s) => {
        s.on('data', (d) => { serverSaw = Buffer.concat([serverSaw, d]); });
        s.on('end', () => { s.end('bye from host'); resolve(); });
        s.write('hello guest');
      }).then(({ port }) => run(port));
    });
    let g!: TestGuest;
    let c!: GuestTcp;
    async function run(port: number): Promise<void> {
      g = guest();
      c = new GuestTcp(g, GW_IP, port, 50000);
      const synAck = await c.connect(Buffer.from([2, 4, 5, 0xb4]));
      expect(synAck.tcp!.flags).toBe(F.SYN | F.ACK);
      expect(synAck.tcp!.checksumOk).toBe(true);
      expect(synAck.tcp!.mss).toBe(1460);
      expect((await c.read(11)).toString()).toBe('hello guest');
      c.seg(F.ACK | F.PSH, Buffer.from('hello host'));
      c.seg(F.ACK | F.FIN);
    }
    await ended;
    expect(serverSaw.toString()).toBe('hello host');
    expect((await c.read(1 << 20)).toString()).toBe('bye from host');
    expect(c.finReceived).toBe(true);
    for (let i = 0; i < 50 && g.net.connections > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(g.net.connections).toBe(0);
  });

  it('answers a SYN to a closed port with a reset', async () => {
    const { server: s, port } = await server(() => undefined);
    await new Promise<void>((r) => s.close(() => r()));
    const g = guest();
    const c = new GuestTcp(g, GW_IP, port, 50001);
    const r = await c.connect();
    expect(r.tcp!.flags & F.RST).toBe(F.RST);
    expect(r.tcp!.ack).toBe(1001);
    expect(g.net.connections).toBe(0);
  });

  it('passes a reset by the host on to the guest', async () => {
    const { port } = await server((s) => { s.once('data', () => s.resetAndDestroy()); });
    const g = guest();
    const c = new GuestTcp(g, GW_IP, port, 50002);
    await c.connect();
    c.seg(F.ACK | F.PSH, Buffer.from('x'));
    const r = await c.next((x) => (x.tcp!.flags & F.RST) !== 0);
    expect(r.tcp!.flags & F.RST).toBe(F.RST);
  });

  it('sends no more than the guest window and pauses the host socket (bounded memory)', async () => {
    let written = 0;
    let blocked = false;
    const { port } = await server((s) => {
      const chunk = Buffer.alloc(64 * 1024, 7);
      const more = (): void => { while (s.write(chunk)) written += chunk.length; written += chunk.length; blocked = true; };
      s.on('drain', more);
      more();
    });
    const g = guest();
    const c = new GuestTcp(g, GW_IP, port, 50003);
    c.window = 4000;
    await c.connect();
    await new Promise((r) => setTimeout(r, 300));
    const data = g.take((x) => x.tcp !== undefined && x.tcp.data.length > 0);
    const sent = data.reduce((a, x) => a + x.tcp!.data.length, 0);
    expect(sent).toBe(4000); // exactly the window: nothing more until the guest acknowledges
    expect(blocked).toBe(true);
    expect(written).toBeLessThan(8 * 1024 * 1024); // the host writer is held back, not buffered without end
    // the window opens: the rest flows
    c.window = 65535;
    c.ack = (c.ack + 4000) >>> 0;
    c.seg(F.ACK);
    const more = await c.next((x) => x.tcp!.data.length > 0);
    expect(more.tcp!.seq).toBe(c.ack);
  });

  it('carries a 4 MiB upload and download byte for byte', async () => {
    const up = randomBytes(4 << 20);
    const down = randomBytes(4 << 20);
    const hash = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
    let got = Buffer.alloc(0);
    const gotAll = new Promise<void>((resolve) => {
      void server((s) => {
        const parts: Buffer[] = [];
        s.on('data', (d) => parts.push(d));
        s.on('end', () => { got = Buffer.concat(parts); resolve(); });
        s.end(down);
      }).then(({ port }) => run(port));
    });
    let received = Buffer.alloc(0);
    async function run(port: number): Promise<void> {
      const g = guest();
      const c = new GuestTcp(g, GW_IP, port, 50004);
      await c.connect(Buffer.from([2, 4, 5, 0xb4, 1, 3, 3, 5]));
      // upload in 32 KiB segments (as the guest's TSO sends them), as fast as the window allows
      for (let off = 0; off < up.length; off += 32768) c.seg(F.ACK, up.subarray(off, off + 32768));
      c.seg(F.ACK | F.FIN);
      received = await c.read(down.length + 1, 20000);
    }
    await gotAll;
    expect(hash(got)).toBe(hash(up));
    for (let i = 0; i < 200 && received.length < down.length; i++) await new Promise((r) => setTimeout(r, 10));
    expect(hash(received)).toBe(hash(down));
  });

  it('keeps 50 connections at once apart', async () => {
    const { port } = await server((s) => s.once('data', (d) => s.end(`re:${d.toString()}`)));
    const g = guest();
    const conns = Array.from({ length: 50 }, (_, i) => new GuestTcp(g, GW_IP, port, 51000 + i));
    await Promise.all(conns.map((c) => c.connect()));
    expect(g.net.connections).toBe(50);
    conns.forEach((c, i) => c.seg(F.ACK | F.PSH, Buffer.from(`n${i}`)));
    const replies = await Promise.all(conns.map((c) => c.read(100)));
    expect(replies.map((r) => r.toString())).toEqual(conns.map((_, i) => `re:n${i}`));
  });
});

describe('published ports (host to guest)', () => {
  it('opens a connection into the guest for each host client and carries data both ways', async () => {
    const g = guest();
    const s = await g.net.forward({ hostPort: 0, guestPort: 8080 });
    const port = (s.address() as AddressInfo).port;
    // the guest must have spoken once so the stack knows its MAC
    g.send(arpRequest(GW_IP));
    await g.next((r) => r.ethType === 0x0806);
    const client = connect({ port, host: '127.0.0.1' });
    cleanups.push(() => client.destroy());
    const c = new GuestTcp(g, GW_IP, 0, 8080);
    const syn = await c.accept();
    expect(syn.dst).toBe(GUEST_IP);
    expect(syn.src).toBe(GW_IP);
    const gc = new GuestTcp(g, GW_IP, syn.tcp!.srcPort, 8080);
    gc.ack = c.ack;
    gc.seg(F.SYN | F.ACK);
    client.write('GET /');
    expect((await gc.read(5)).toString()).toBe('GET /');
    const answer = new Promise<string>((resolve) => { let t = ''; client.on('data', (d) => { t += d; }); client.on('end', () => resolve(t)); });
    gc.seg(F.ACK | F.PSH, Buffer.from('200 OK'));
    gc.seg(F.ACK | F.FIN);
    expect(await answer).toBe('200 OK');
  });

  it('resets the host client when the guest refuses the port', async () => {
    const g = guest();
    const s = await g.net.forward({ hostPort: 0, guestPort: 9090 });
    g.send(arpRequest(GW_IP));
    await g.next((r) => r.ethType === 0x0806);
    const client = connect({ port: (s.address() as AddressInfo).port, host: '127.0.0.1' });
    cleanups.push(() => client.destroy());
    const failed = new Promise<string>((resolve) => { client.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? '')); client.on('close', () => resolve('closed')); });
    const syn = await g.next((r) => r.tcp?.dstPort === 9090);
    const gc = new GuestTcp(g, GW_IP, syn.tcp!.srcPort, 9090);
    gc.seq = 0;
    gc.ack = (syn.tcp!.seq + 1) >>> 0;
    gc.seg(F.RST | F.ACK);
    expect(await failed).toBe('ECONNRESET');
  });
});
