// ARP for IPv4 over Ethernet (RFC 826): the gateway answers for every address of the virtual
// network but the guest's, so the guest reaches the gateway and the DNS address.
import { ETHERTYPE_IPV4 } from './ethernet.js';

const OP_REQUEST = 1;
const OP_REPLY = 2;

/** The ARP reply payload for a request the gateway should answer (by `owns`), else undefined. */
export function answerArp(payload: Buffer, ourMac: Uint8Array, owns: (ip: number) => boolean): Buffer | undefined {
  if (payload.length < 28) return undefined;
  if (payload.readUInt16BE(0) !== 1 || payload.readUInt16BE(2) !== ETHERTYPE_IPV4 || payload.readUInt8(4) !== 6 || payload.readUInt8(5) !== 4) return undefined;
  if (payload.readUInt16BE(6) !== OP_REQUEST) return undefined;
  const target = payload.readUInt32BE(24);
  if (!owns(target)) return undefined;
  const r = Buffer.alloc(28);
  r.writeUInt16BE(1, 0);
  r.writeUInt16BE(ETHERTYPE_IPV4, 2);
  r.writeUInt8(6, 4);
  r.writeUInt8(4, 5);
  r.writeUInt16BE(OP_REPLY, 6);
  r.set(ourMac, 8);
  r.writeUInt32BE(target, 14);
  payload.copy(r, 18, 8, 18); // sender hardware + protocol address become the target's
  return r;
}
