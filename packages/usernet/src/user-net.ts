// The user-mode network: Ethernet frames from the guest in, frames to the guest out, and the
// host's own sockets in between (as QEMU's slirp): DHCP, ARP and ICMP echo answered here, DNS
// by the host's resolver, other UDP through dgram sockets, TCP through net sockets both ways.
// Nothing needs privileges: no TAP device, no raw socket, no helper process.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { DNS, GATEWAY, GATEWAY_MAC, GUEST, BROADCAST, guestAddressFor, hostAddressFor, inNetwork } from './addresses.js';
import { answerArp } from './arp.js';
import { answerDhcp, DHCP_CLIENT_PORT, DHCP_SERVER_PORT } from './dhcp.js';
import { answerQuery, hostLookup, type DnsLookup } from './dns.js';
import { buildEthernet, ETHERTYPE_ARP, ETHERTYPE_IPV4, parseEthernet } from './ethernet.js';
import { answerEcho } from './icmp.js';
import { buildIpv4, parseIpv4, PROTO_ICMP, PROTO_TCP, PROTO_UDP, type Ipv4Packet } from './ipv4.js';
import { ACK, RST, SYN, buildTcp, parseTcp, seqAdd, type TcpOut, type TcpSegment } from './tcp-segment.js';
import { TcpConnection, type TcpLink } from './tcp-connection.js';
import { buildUdp, parseUdp } from './udp.js';

/** Where frames for the guest go. */
export interface GuestLink {
  /** Hands one Ethernet frame to the guest (always taken; the stack checks `hasRoom` for bulk data). */
  send(frame: Buffer): void;
  /** False while the link to the guest is full: bulk TCP data waits for `UserNet.linkDrained()`. */
  hasRoom(): boolean;
}

export interface UserNetOptions {
  /** DNS servers ("IP" or "IP:PORT") for the guest's queries instead of the host's getaddrinfo. */
  dnsServers?: string[];
  /** A resolver of its own (tests). */
  lookup?: DnsLookup;
}

export interface PortForward {
  /** Host port to listen on (0: any free one). */
  hostPort: number;
  guestPort: number;
  /** Host address to listen on (default 127.0.0.1). */
  hostAddress?: string;
}

const UDP_IDLE_MS = 60_000;
const FORWARD_FIRST_PORT = 40000;

interface UdpFlow {
  socket: UdpSocket;
  guestPort: number;
  idle: NodeJS.Timeout;
}

export class UserNet implements TcpLink {
  private guestMac: Buffer | undefined;
  private readonly tcp = new Map<string, TcpConnection>();
  private readonly udp = new Map<number, UdpFlow>();
  private readonly servers: Server[] = [];
  private readonly lookup: DnsLookup;
  private nextForwardPort = FORWARD_FIRST_PORT;
  private closed = false;

  constructor(private readonly link: GuestLink, opts: UserNetOptions = {}) {
    this.lookup = opts.lookup ?? hostLookup(opts.dnsServers);
  }

  /** Open TCP connections (for tests and limits). */
  get connections(): number {
    return this.tcp.size;
  }

  /** One Ethernet frame from the guest. Malformed frames are dropped, as a switch would. */
  receive(frame: Buffer): void {
    if (this.closed) return;
    const eth = parseEthernet(frame);
    if (!eth) return;
    if ((eth.src.readUInt8(0) & 1) === 0) this.guestMac = Buffer.from(eth.src);
    if (eth.type === ETHERTYPE_ARP) {
      const reply = answerArp(eth.payload, GATEWAY_MAC, (ip) => inNetwork(ip) && ip !== GUEST);
      if (reply) this.link.send(buildEthernet(eth.src, GATEWAY_MAC, ETHERTYPE_ARP, reply));
      return;
    }
    if (eth.type !== ETHERTYPE_IPV4) return;
    const ip = parseIpv4(eth.payload);
    if (!ip) return;
    if (ip.protocol === PROTO_UDP) this.udpIn(ip);
    else if (ip.protocol === PROTO_TCP) this.tcpIn(ip);
    else if (ip.protocol === PROTO_ICMP && (ip.dst === GATEWAY || ip.dst === DNS)) {
      const reply = answerEcho(ip.payload);
      if (reply) this.sendIp(ip.dst, ip.src, PROTO_ICMP, reply);
    }
  }

  /** The link to the guest has room again: connections with data waiting send it. */
  linkDrained(): void {
    for (const c of this.tcp.values()) {
      c.pump();
      if (!this.link.hasRoom()) break;
    }
  }

  /** Publishes a guest TCP port on the host (`-p HOST:GUEST`); resolves once listening. */
  async forward(f: PortForward): Promise<Server> {
    const server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, (socket) => this.inbound(socket, f.guestPort));
    this.servers.push(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(f.hostPort, f.hostAddress ?? '127.0.0.1', () => { server.off('error', reject); resolve(); });
    });
    return server;
  }

  /** Closes every listener and socket; connections end with a reset. */
  close(): void {
    this.closed = true;
    for (const s of this.servers) s.close();
    for (const c of [...this.tcp.values()]) c.abort();
    for (const f of this.udp.values()) { clearTimeout(f.idle); f.socket.close(); }
    this.udp.clear();
  }

  // ---- IP output ---------------------------------------------------------------------------------

  private sendIp(src: number, dst: number, protocol: number, payload: Buffer): void {
    if (!this.guestMac) return; // the guest has not said a word yet: nowhere to send
    this.link.send(buildEthernet(this.guestMac, GATEWAY_MAC, ETHERTYPE_IPV4, buildIpv4(src, dst, protocol, payload)));
  }

  // ---- UDP ---------------------------------------------------------------------------------------

  private udpIn(ip: Ipv4Packet): void {
    const u = parseUdp(ip.payload);
    if (!u) return;
    if (u.dstPort === DHCP_SERVER_PORT && (ip.dst === BROADCAST || ip.dst === GATEWAY)) {
      const reply = answerDhcp(u.payload);
      if (!reply) return;
      const chaddr = u.payload.subarray(28, 34);
      // to the client's MAC and the broadcast address: it has no address yet
      this.link.send(buildEthernet(chaddr, GATEWAY_MAC, ETHERTYPE_IPV4, buildIpv4(GATEWAY, BROADCAST, PROTO_UDP, buildUdp(GATEWAY, BROADCAST, DHCP_SERVER_PORT, DHCP_CLIENT_PORT, reply))));
      return;
    }
    if (ip.dst === DNS) {
      if (u.dstPort !== 53) return;
      void answerQuery(u.payload, this.lookup).then((answer) => {
        if (answer && !this.closed) this.sendIp(DNS, ip.src, PROTO_UDP, buildUdp(DNS, ip.src, 53, u.srcPort, answer));
      });
      return;
    }
    const host = hostAddressFor(ip.dst);
    if (host === undefined) return;
    this.udpFlow(ip.src, u.srcPort).socket.send(u.payload, u.dstPort, host);
  }

  /** One host socket per guest source port (as slirp): replies come back to that port. */
  private udpFlow(guestIp: number, guestPort: number): UdpFlow {
    let f = this.udp.get(guestPort);
    if (f) {
      f.idle.refresh();
      return f;
    }
    const socket = createSocket('udp4');
    const idle = setTimeout(() => { socket.close(); this.udp.delete(guestPort); }, UDP_IDLE_MS);
    idle.unref();
    f = { socket, guestPort, idle };
    socket.on('message', (msg, rinfo) => {
      const from = guestAddressFor(rinfo.address);
      this.sendIp(from, guestIp, PROTO_UDP, buildUdp(from, guestIp, rinfo.port, guestPort, msg));
    });
    socket.on('error', () => undefined); // ICMP errors surface as socket errors: the datagram is lost
    socket.unref();
    this.udp.set(guestPort, f);
    return f;
  }

  // ---- TCP ---------------------------------------------------------------------------------------

  sendSegment(c: TcpConnection, t: TcpOut): void {
    const { guestIp, remoteIp } = this.ends(c);
    this.sendIp(remoteIp, guestIp, PROTO_TCP, buildTcp(remoteIp, guestIp, t));
  }

  linkHasRoom(): boolean {
    return this.link.hasRoom();
  }

  forget(c: TcpConnection): void {
    if (this.tcp.get(c.key) === c) this.tcp.delete(c.key);
  }

  private ends(c: TcpConnection): { guestIp: number; remoteIp: number } {
    const [g, r] = c.key.split('|');
    return { guestIp: Number(g!.split(':')[0]), remoteIp: Number(r!.split(':')[0]) };
  }

  private tcpIn(ip: Ipv4Packet): void {
    const s = parseTcp(ip.payload);
    if (!s) return;
    const key = `${ip.src}:${s.srcPort}|${ip.dst}:${s.dstPort}`;
    const c = this.tcp.get(key);
    if (c) { c.input(s); return; }
    if ((s.flags & (SYN | ACK | RST)) !== SYN) { this.refuse(ip, s); return; }
    const host = hostAddressFor(ip.dst);
    if (host === undefined) { this.refuse(ip, s); return; }
    const conn = new TcpConnection(this, s.srcPort, s.dstPort, key);
    this.tcp.set(key, conn);
    conn.acceptSyn(s, connect({ host, port: s.dstPort, allowHalfOpen: true }));
  }

  /** RST for a segment no connection takes (RFC 793 section 3.4, "reset generation"). */
  private refuse(ip: Ipv4Packet, s: TcpSegment): void {
    if (s.flags & RST) return;
    const t: TcpOut = s.flags & ACK
      ? { srcPort: s.dstPort, dstPort: s.srcPort, seq: s.ack, ack: 0, flags: RST, window: 0 }
      : { srcPort: s.dstPort, dstPort: s.srcPort, seq: 0, ack: seqAdd(s.seq, s.payload.length + (s.flags & SYN ? 1 : 0)), flags: RST | ACK, window: 0 };
    this.sendIp(ip.dst, ip.src, PROTO_TCP, buildTcp(ip.dst, ip.src, t));
  }

  private inbound(socket: Socket, guestPort: number): void {
    if (this.closed) { socket.destroy(); return; }
    let port = this.nextForwardPort;
    let key = '';
    for (let i = 0; i < 25000; i++) {
      key = `${GUEST}:${guestPort}|${GATEWAY}:${port}`;
      if (!this.tcp.has(key)) break;
      port = port >= 65535 ? FORWARD_FIRST_PORT : port + 1;
    }
    this.nextForwardPort = port >= 65535 ? FORWARD_FIRST_PORT : port + 1;
    const conn = new TcpConnection(this, guestPort, port, key);
    this.tcp.set(key, conn);
    conn.openToGuest(socket);
  }
}
