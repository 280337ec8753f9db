// The DNS address (10.0.2.3:53) answers A queries with the host's resolver (node:dns): getaddrinfo
// by default (so /etc/hosts counts, as for any host program), or the servers of `upstream`.
// Answers in 127.0.0.0/8 become the gateway address: from the guest, the host's loopback is
// 10.0.2.2, and 127.0.0.1 would be the guest's own. Other types get an empty answer (the
// network is IPv4 only), which makes resolvers fall back to A at once.
import { promises as dnsp } from 'node:dns';
import { guestAddressFor } from './addresses.js';

const TYPE_A = 1;
const CLASS_IN = 1;
const RCODE_FORMERR = 1;
const RCODE_SERVFAIL = 2;
const RCODE_NXDOMAIN = 3;

export interface DnsQuestion {
  id: number;
  name: string;
  type: number;
  klass: number;
  /** The question section as sent, copied into the answer. */
  raw: Buffer;
  recursionDesired: boolean;
}

export function parseQuery(msg: Buffer): DnsQuestion | undefined {
  if (msg.length < 12) return undefined;
  const flags = msg.readUInt16BE(2);
  if (flags & 0x8000 || msg.readUInt16BE(4) !== 1) return undefined; // a response, or not one question
  const labels: string[] = [];
  let i = 12;
  for (;;) {
    if (i >= msg.length) return undefined;
    const len = msg.readUInt8(i);
    if (len === 0) { i++; break; }
    if (len > 63 || i + 1 + len > msg.length) return undefined; // compression has no place in a question
    labels.push(msg.toString('latin1', i + 1, i + 1 + len));
    i += 1 + len;
  }
  if (i + 4 > msg.length) return undefined;
  return { id: msg.readUInt16BE(0), name: labels.join('.'), type: msg.readUInt16BE(i), klass: msg.readUInt16BE(i + 2), raw: msg.subarray(12, i + 4), recursionDesired: (flags & 0x0100) !== 0 };
}

/** A response with `addresses` as A records (TTL 60), or the error code `rcode`. */
export function buildAnswer(q: DnsQuestion, addresses: number[], rcode = 0): Buffer {
  const h = Buffer.alloc(12);
  h.writeUInt16BE(q.id, 0);
  h.writeUInt16BE(0x8080 | (q.recursionDesired ? 0x0100 : 0) | rcode, 2); // QR, RA
  h.writeUInt16BE(1, 4);
  h.writeUInt16BE(addresses.length, 6);
  const answers = addresses.map((a) => {
    const r = Buffer.alloc(16);
    r.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question's
    r.writeUInt16BE(TYPE_A, 2);
    r.writeUInt16BE(CLASS_IN, 4);
    r.writeUInt32BE(60, 6);
    r.writeUInt16BE(4, 10);
    r.writeUInt32BE(a >>> 0, 12);
    return r;
  });
  return Buffer.concat([h, q.raw, ...answers]);
}

export type DnsLookup = (name: string) => Promise<string[]>;

/** The host's resolver: getaddrinfo, or the given servers ("IP" or "IP:PORT"). */
export function hostLookup(upstream?: string[]): DnsLookup {
  if (upstream && upstream.length > 0) {
    const r = new dnsp.Resolver({ timeout: 2000, tries: 2 });
    r.setServers(upstream);
    return (name) => r.resolve4(name);
  }
  return async (name) => (await dnsp.lookup(name, { family: 4, all: true })).map((a) => a.address);
}

/** The response to one query message (undefined: not a query, dropped). */
export async function answerQuery(msg: Buffer, lookup: DnsLookup): Promise<Buffer | undefined> {
  const q = parseQuery(msg);
  if (!q) {
    if (msg.length < 12) return undefined;
    const r = Buffer.alloc(12);
    msg.copy(r, 0, 0, 2);
    r.writeUInt16BE(0x8000 | RCODE_FORMERR, 2);
    return r;
  }
  if (q.type !== TYPE_A || q.klass !== CLASS_IN) return buildAnswer(q, []);
  try {
    const found = await lookup(q.name);
    return buildAnswer(q, found.map((a) => guestAddressFor(a)));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENODATA') return buildAnswer(q, []); // the name exists, without an IPv4 address
    const missing = code === 'ENOTFOUND' || code === 'EAI_NONAME' || code === 'NXDOMAIN';
    return buildAnswer(q, [], missing ? RCODE_NXDOMAIN : RCODE_SERVFAIL);
  }
}
