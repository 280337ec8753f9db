// Ethernet II frames (IEEE 802.3 with an EtherType): 6-byte destination, 6-byte source, type.
export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_ARP = 0x0806;
export const ETH_HEADER = 14;

export interface EthernetFrame {
  dst: Buffer;
  src: Buffer;
  type: number;
  payload: Buffer;
}

/** Undefined for a frame too short to hold a header. */
export function parseEthernet(frame: Buffer): EthernetFrame | undefined {
  if (frame.length < ETH_HEADER) return undefined;
  return { dst: frame.subarray(0, 6), src: frame.subarray(6, 12), type: frame.readUInt16BE(12), payload: frame.subarray(ETH_HEADER) };
}

export function buildEthernet(dst: Uint8Array, src: Uint8Array, type: number, payload: Uint8Array): Buffer {
  const f = Buffer.allocUnsafe(ETH_HEADER + payload.length);
  f.set(dst, 0);
  f.set(src, 6);
  f.writeUInt16BE(type, 12);
  f.set(payload, ETH_HEADER);
  return f;
}
