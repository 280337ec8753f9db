// A DHCP server for one client (RFC 2131, options RFC 2132): every DISCOVER gets an OFFER of the
// guest address and every REQUEST for it an ACK, with the gateway, netmask and DNS address.
import { DNS, GATEWAY, GUEST, NETMASK } from './addresses.js';

export const DHCP_SERVER_PORT = 67;
export const DHCP_CLIENT_PORT = 68;
const MAGIC = 0x63825363;
const BOOTREQUEST = 1;
const BOOTREPLY = 2;
const DISCOVER = 1;
const OFFER = 2;
const REQUEST = 3;
const ACK = 5;
const NAK = 6;
const OPT_NETMASK = 1;
const OPT_ROUTER = 3;
const OPT_DNS = 6;
const OPT_REQUESTED_IP = 50;
const OPT_LEASE = 51;
const OPT_MSG_TYPE = 53;
const OPT_SERVER_ID = 54;
const OPT_END = 255;
const LEASE_SECONDS = 86400;

/** Options of a BOOTP message as a map of code to value (pad and end excluded). */
function readOptions(msg: Buffer): Map<number, Buffer> {
  const opts = new Map<number, Buffer>();
  for (let i = 240; i < msg.length; ) {
    const code = msg.readUInt8(i);
    if (code === OPT_END) break;
    if (code === 0) { i++; continue; }
    if (i + 2 > msg.length) break;
    const len = msg.readUInt8(i + 1);
    opts.set(code, msg.subarray(i + 2, i + 2 + len));
    i += 2 + len;
  }
  return opts;
}

const u32 = (v: number): Buffer => { const b = Buffer.alloc(4); b.writeUInt32BE(v >>> 0); return b; };

/** The server's reply (a BOOTP payload for UDP 67 -> 68) to a client message, or undefined. */
export function answerDhcp(msg: Buffer): Buffer | undefined {
  if (msg.length < 240 || msg.readUInt8(0) !== BOOTREQUEST || msg.readUInt32BE(236) !== MAGIC) return undefined;
  const opts = readOptions(msg);
  const type = opts.get(OPT_MSG_TYPE)?.readUInt8(0);
  let reply: number;
  if (type === DISCOVER) reply = OFFER;
  else if (type === REQUEST) {
    const asked = opts.get(OPT_REQUESTED_IP);
    const ciaddr = msg.readUInt32BE(12);
    const wanted = asked && asked.length === 4 ? asked.readUInt32BE(0) : ciaddr;
    reply = wanted === GUEST || wanted === 0 ? ACK : NAK;
  } else return undefined;
  const r = Buffer.alloc(240);
  r.writeUInt8(BOOTREPLY, 0);
  r.writeUInt8(1, 1); // htype Ethernet
  r.writeUInt8(6, 2);
  msg.copy(r, 4, 4, 8); // xid
  msg.copy(r, 10, 10, 12); // flags
  if (reply !== NAK) r.writeUInt32BE(GUEST, 16); // yiaddr
  r.writeUInt32BE(GATEWAY, 20); // siaddr
  msg.copy(r, 28, 28, 44); // chaddr
  r.writeUInt32BE(MAGIC, 236);
  const opt = (code: number, value: Buffer): Buffer => Buffer.concat([Buffer.from([code, value.length]), value]);
  const parts = [r, opt(OPT_MSG_TYPE, Buffer.from([reply])), opt(OPT_SERVER_ID, u32(GATEWAY))];
  if (reply !== NAK) {
    parts.push(opt(OPT_LEASE, u32(LEASE_SECONDS)), opt(OPT_NETMASK, u32(NETMASK)), opt(OPT_ROUTER, u32(GATEWAY)), opt(OPT_DNS, u32(DNS)));
  }
  parts.push(Buffer.from([OPT_END]));
  const out = Buffer.concat(parts);
  // BOOTP's minimum message is 300 bytes; some clients drop shorter ones
  return out.length < 300 ? Buffer.concat([out, Buffer.alloc(300 - out.length)]) : out;
}
