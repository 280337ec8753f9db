// ICMP echo (RFC 792): the gateway and DNS addresses answer pings themselves. Pings elsewhere go
// unanswered: forwarding them needs a raw or "ping" socket, which an unprivileged host lacks.
import { checksum } from './checksum.js';

const ECHO_REPLY = 0;
const ECHO_REQUEST = 8;

/** The echo reply for an echo request (identifier, sequence and data kept), else undefined. */
export function answerEcho(icmp: Buffer): Buffer | undefined {
  if (icmp.length < 8 || icmp.readUInt8(0) !== ECHO_REQUEST || checksum(icmp) !== 0) return undefined;
  const r = Buffer.from(icmp);
  r.writeUInt8(ECHO_REPLY, 0);
  r.writeUInt16BE(0, 2);
  r.writeUInt16BE(checksum(r), 2);
  return r;
}
