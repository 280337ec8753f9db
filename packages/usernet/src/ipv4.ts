// IPv4 headers (RFC 791). Fragments are not reassembled: the guest's MTU is the link's (1500) and
// it sets DF on TCP; a fragment is dropped as slirp would drop what it cannot route.
import { checksum } from './checksum.js';

export const PROTO_ICMP = 1;
export const PROTO_TCP = 6;
export const PROTO_UDP = 17;
export const IPV4_HEADER = 20;

export interface Ipv4Packet {
  src: number;
  dst: number;
  protocol: number;
  ttl: number;
  payload: Buffer;
}

/** Undefined for anything that is not a whole, unfragmented IPv4 packet. */
export function parseIpv4(buf: Buffer): Ipv4Packet | undefined {
  if (buf.length < IPV4_HEADER) return undefined;
  const vihl = buf.readUInt8(0);
  const ihl = (vihl & 15) * 4;
  if (vihl >> 4 !== 4 || ihl < IPV4_HEADER || buf.length < ihl) return undefined;
  const total = buf.readUInt16BE(2);
  // a TSO segment from the guest (virtio HOST_TSO4) may say 0 or less than it carries: trust the frame
  const end = total >= ihl && total <= buf.length ? total : buf.length;
  const frag = buf.readUInt16BE(6);
  if ((frag & 0x2000) !== 0 || (frag & 0x1fff) !== 0) return undefined;
  return { src: buf.readUInt32BE(12), dst: buf.readUInt32BE(16), protocol: buf.readUInt8(9), ttl: buf.readUInt8(8), payload: buf.subarray(ihl, end) };
}

export function buildIpv4(src: number, dst: number, protocol: number, payload: Uint8Array, ttl = 64): Buffer {
  const p = Buffer.allocUnsafe(IPV4_HEADER + payload.length);
  p.writeUInt8(0x45, 0);
  p.writeUInt8(0, 1);
  p.writeUInt16BE(p.length, 2);
  p.writeUInt16BE(0, 4); // identification: DF is set, never fragmented
  p.writeUInt16BE(0x4000, 6);
  p.writeUInt8(ttl, 8);
  p.writeUInt8(protocol, 9);
  p.writeUInt16BE(0, 10);
  p.writeUInt32BE(src >>> 0, 12);
  p.writeUInt32BE(dst >>> 0, 16);
  p.writeUInt16BE(checksum(p.subarray(0, IPV4_HEADER)), 10);
  p.set(payload, IPV4_HEADER);
  return p;
}
