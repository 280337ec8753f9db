// The Internet checksum (RFC 1071): one's complement sum of 16-bit big-endian words.

/** Adds `buf` to a running 32-bit sum (not yet folded). */
export function sumWords(buf: Uint8Array, sum = 0): number {
  const n = buf.length & ~1;
  for (let i = 0; i < n; i += 2) sum += (buf[i]! << 8) | buf[i + 1]!;
  if (buf.length & 1) sum += buf[buf.length - 1]! << 8;
  return sum;
}

/** Folds a running sum and complements it: the value to store in a checksum field. */
export function finish(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}

export const checksum = (buf: Uint8Array): number => finish(sumWords(buf));

/** Checksum of a TCP or UDP segment with the IPv4 pseudo-header (RFC 793 section 3.1, RFC 768). */
export function transportChecksum(src: number, dst: number, protocol: number, segment: Uint8Array): number {
  let sum = (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + protocol + segment.length;
  sum = sumWords(segment, sum);
  return finish(sum);
}
