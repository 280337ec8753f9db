// TCP segments (RFC 793 section 3.1) with the options the user-mode network uses: MSS (RFC 793)
// and window scale (RFC 7323 section 2). Other options are skipped when read and never sent.
import { transportChecksum } from './checksum.js';
import { PROTO_TCP } from './ipv4.js';

export const FIN = 0x01;
export const SYN = 0x02;
export const RST = 0x04;
export const PSH = 0x08;
export const ACK = 0x10;
const TCP_HEADER = 20;
const OPT_END = 0;
const OPT_NOP = 1;
const OPT_MSS = 2;
const OPT_WSCALE = 3;

export interface TcpSegment {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: number;
  window: number;
  mss?: number;
  wscale?: number;
  payload: Buffer;
}

export function parseTcp(buf: Buffer): TcpSegment | undefined {
  if (buf.length < TCP_HEADER) return undefined;
  const off = (buf.readUInt8(12) >> 4) * 4;
  if (off < TCP_HEADER || off > buf.length) return undefined;
  const s: TcpSegment = {
    srcPort: buf.readUInt16BE(0), dstPort: buf.readUInt16BE(2), seq: buf.readUInt32BE(4), ack: buf.readUInt32BE(8),
    flags: buf.readUInt8(13), window: buf.readUInt16BE(14), payload: buf.subarray(off),
  };
  for (let i = TCP_HEADER; i < off; ) {
    const kind = buf.readUInt8(i);
    if (kind === OPT_END) break;
    if (kind === OPT_NOP) { i++; continue; }
    if (i + 1 >= off) break;
    const len = buf.readUInt8(i + 1);
    if (len < 2 || i + len > off) break;
    if (kind === OPT_MSS && len === 4) s.mss = buf.readUInt16BE(i + 2);
    if (kind === OPT_WSCALE && len === 3) s.wscale = Math.min(14, buf.readUInt8(i + 2));
    i += len;
  }
  return s;
}

export interface TcpOut {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: number;
  window: number;
  mss?: number | undefined;
  wscale?: number | undefined;
  payload?: Uint8Array | undefined;
}

/** A segment with its checksum over the pseudo-header of `src` -> `dst`. */
export function buildTcp(src: number, dst: number, t: TcpOut): Buffer {
  const opts: number[] = [];
  if (t.mss !== undefined) opts.push(OPT_MSS, 4, t.mss >> 8, t.mss & 255);
  if (t.wscale !== undefined) opts.push(OPT_NOP, OPT_WSCALE, 3, t.wscale);
  const off = TCP_HEADER + opts.length;
  const payload = t.payload ?? Buffer.alloc(0);
  const s = Buffer.allocUnsafe(off + payload.length);
  s.writeUInt16BE(t.srcPort, 0);
  s.writeUInt16BE(t.dstPort, 2);
  s.writeUInt32BE(t.seq >>> 0, 4);
  s.writeUInt32BE(t.ack >>> 0, 8);
  s.writeUInt8((off / 4) << 4, 12);
  s.writeUInt8(t.flags, 13);
  s.writeUInt16BE(Math.min(0xffff, t.window), 14);
  s.writeUInt16BE(0, 16);
  s.writeUInt16BE(0, 18);
  Buffer.from(opts).copy(s, TCP_HEADER);
  s.set(payload, off);
  s.writeUInt16BE(transportChecksum(src, dst, PROTO_TCP, s), 16);
  return s;
}

/** a - b in sequence space (RFC 793 section 3.3: comparisons are modulo 2^32). */
export const seqDiff = (a: number, b: number): number => (a - b) | 0;
export const seqAdd = (a: number, n: number): number => (a + n) >>> 0;
