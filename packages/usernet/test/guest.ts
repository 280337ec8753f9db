// A scripted guest for the stack's tests: builds Ethernet/IPv4/UDP/TCP frames byte by byte (its
// own code, not the stack's builders) and waits for the frames the stack sends back.
import { UserNet, type UserNetOptions } from '../src/index.js';

export const GUEST_MAC = Buffer.from([0x52, 0x54, 0x00, 0x12, 0x34, 0x56]);
export const GW_MAC = Buffer.from([0x52, 0x55, 0x0a, 0x00, 0x02, 0x02]);
export const ip = (t: string): number => t.split('.').reduce((a, b) => a * 256 + Number(b), 0);
export const GUEST_IP = ip('10.0.2.15');
export const GW_IP = ip('10.0.2.2');
export const DNS_IP = ip('10.0.2.3');

function csum(buf: Buffer, start = 0): number {
  let s = start;
  for (let i = 0; i + 1 < buf.length; i += 2) s += buf.readUInt16BE(i);
  if (buf.length % 2) s += buf.readUInt8(buf.length - 1) << 8;
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 65536);
  return ~s & 0xffff;
}
const pseudo = (src: number, dst: number, proto: number, len: number): number =>
  Math.floor(src / 65536) + (src & 0xffff) + Math.floor(dst / 65536) + (dst & 0xffff) + proto + len;

export function eth(type: number, payload: Buffer, dst = GW_MAC): Buffer {
  const h = Buffer.alloc(14);
  dst.copy(h, 0);
  GUEST_MAC.copy(h, 6);
  h.writeUInt16BE(type, 12);
  return Buffer.concat([h, payload]);
}

export function ipv4(src: number, dst: number, proto: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(20);
  h.writeUInt8(0x45, 0);
  h.writeUInt16BE(20 + payload.length, 2);
  h.writeUInt16BE(0x4000, 6);
  h.writeUInt8(64, 8);
  h.writeUInt8(proto, 9);
  h.writeUInt32BE(src, 12);
  h.writeUInt32BE(dst, 16);
  h.writeUInt16BE(csum(h), 10);
  return eth(0x0800, Buffer.concat([h, payload]));
}

export function udp(dst: number, srcPort: number, dstPort: number, payload: Buffer, src = GUEST_IP): Buffer {
  const u = Buffer.alloc(8);
  u.writeUInt16BE(srcPort, 0);
  u.writeUInt16BE(dstPort, 2);
  u.writeUInt16BE(8 + payload.length, 4);
  const seg = Buffer.concat([u, payload]);
  seg.writeUInt16BE(csum(seg, pseudo(src, dst, 17, seg.length)), 6);
  return ipv4(src, dst, 17, seg);
}

export interface Tcp { srcPort: number; dstPort: number; seq: number; ack: number; flags: number; window: number; data?: Buffer; opts?: Buffer }
export const F = { FIN: 1, SYN: 2, RST: 4, PSH: 8, ACK: 16 };

export function tcp(dst: number, t: Tcp): Buffer {
  const opts = t.opts ?? Buffer.alloc(0);
  const h = Buffer.alloc(20 + opts.length);
  h.writeUInt16BE(t.srcPort, 0);
  h.writeUInt16BE(t.dstPort, 2);
  h.writeUInt32BE(t.seq >>> 0, 4);
  h.writeUInt32BE(t.ack >>> 0, 8);
  h.writeUInt8(((20 + opts.length) / 4) << 4, 12);
  h.writeUInt8(t.flags, 13);
  h.writeUInt16BE(t.window, 14);
  opts.copy(h, 20);
  const seg = Buffer.concat([h, t.data ?? Buffer.alloc(0)]);
  seg.writeUInt16BE(csum(seg, pseudo(GUEST_IP, dst, 6, seg.length)), 16);
  return ipv4(GUEST_IP, dst, 6, seg);
}

/** What the stack sent, decoded by this file's own reading of the headers. */
export interface Received {
  raw: Buffer;
  ethType: number;
  dstMac: Buffer;
  src?: number;
  dst?: number;
  proto?: number;
  payload: Buffer;
  tcp?: { srcPort: number; dstPort: number; seq: number; ack: number; flags: number; window: number; data: Buffer; checksumOk: boolean; mss?: number; wscale?: number };
  udp?: { srcPort: number; dstPort: number; data: Buffer; checksumOk: boolean };
  ipChecksumOk?: boolean;
}

export function decode(f: Buffer): Received {
  const r: Received = { raw: f, ethType: f.readUInt16BE(12), dstMac: f.subarray(0, 6), payload: f.subarray(14) };
  if (r.ethType !== 0x0800) return r;
  const p = f.subarray(14);
  const ihl = (p.readUInt8(0) & 15) * 4;
  r.ipChecksumOk = csum(p.subarray(0, ihl)) === 0;
  r.src = p.readUInt32BE(12);
  r.dst = p.readUInt32BE(16);
  r.proto = p.readUInt8(9);
  const l4 = p.subarray(ihl, p.readUInt16BE(2));
  r.payload = l4;
  if (r.proto === 6) {
    const off = (l4.readUInt8(12) >> 4) * 4;
    const t: NonNullable<Received['tcp']> = {
      srcPort: l4.readUInt16BE(0), dstPort: l4.readUInt16BE(2), seq: l4.readUInt32BE(4), ack: l4.readUInt32BE(8), flags: l4.readUInt8(13),
      window: l4.readUInt16BE(14), data: l4.subarray(off), checksumOk: csum(l4, pseudo(r.src, r.dst, 6, l4.length)) === 0,
    };
    for (let i = 20; i < off; ) {
      const k = l4.readUInt8(i);
      if (k === 0) break;
      if (k === 1) { i++; continue; }
      if (k === 2) t.mss = l4.readUInt16BE(i + 2);
      if (k === 3) t.wscale = l4.readUInt8(i + 2);
      i += l4.readUInt8(i + 1);
    }
    r.tcp = t;
  }
  if (r.proto === 17) r.udp = { srcPort: l4.readUInt16BE(0), dstPort: l4.readUInt16BE(2), data: l4.subarray(8, l4.readUInt16BE(4)), checksumOk: csum(l4, pseudo(r.src, r.dst, 17, l4.length)) === 0 };
  return r;
}

/** The guest side of a UserNet: what it sends goes to the stack, what the stack sends queues here. */
export class TestGuest {
  readonly received: Received[] = [];
  readonly net: UserNet;
  room = true;
  private waiters: (() => void)[] = [];

  constructor(opts: UserNetOptions = {}) {
    this.net = new UserNet({
      send: (f) => { this.received.push(decode(f)); for (const w of this.waiters.splice(0)) w(); },
      hasRoom: () => this.room,
    }, opts);
  }

  send(frame: Buffer): void {
    this.net.receive(frame);
  }

  /** Removes and returns the first received frame matching `pred`, waiting up to `ms`. */
  async next(pred: (r: Received) => boolean, ms = 5000): Promise<Received> {
    const deadline = Date.now() + ms;
    for (;;) {
      const i = this.received.findIndex(pred);
      if (i >= 0) return this.received.splice(i, 1)[0]!;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('no matching frame from the stack in time');
      await new Promise<void>((resolve) => { const t = setTimeout(resolve, left); this.waiters.push(() => { clearTimeout(t); resolve(); }); });
    }
  }

  /** Frames received so far that match, removed. */
  take(pred: (r: Received) => boolean): Received[] {
    const out = this.received.filter(pred);
    for (const r of out) this.received.splice(this.received.indexOf(r), 1);
    return out;
  }
}
