// UDP datagrams (RFC 768).
import { transportChecksum } from './checksum.js';
import { PROTO_UDP } from './ipv4.js';

export const UDP_HEADER = 8;

export interface UdpDatagram {
  srcPort: number;
  dstPort: number;
  payload: Buffer;
}

export function parseUdp(buf: Buffer): UdpDatagram | undefined {
  if (buf.length < UDP_HEADER) return undefined;
  const len = buf.readUInt16BE(4);
  if (len < UDP_HEADER || len > buf.length) return undefined;
  return { srcPort: buf.readUInt16BE(0), dstPort: buf.readUInt16BE(2), payload: buf.subarray(UDP_HEADER, len) };
}

export function buildUdp(src: number, dst: number, srcPort: number, dstPort: number, payload: Uint8Array): Buffer {
  const u = Buffer.allocUnsafe(UDP_HEADER + payload.length);
  u.writeUInt16BE(srcPort, 0);
  u.writeUInt16BE(dstPort, 2);
  u.writeUInt16BE(u.length, 4);
  u.writeUInt16BE(0, 6);
  u.set(payload, UDP_HEADER);
  u.writeUInt16BE(transportChecksum(src, dst, PROTO_UDP, u) || 0xffff, 6);
  return u;
}
