// The user-mode network's fixed addresses, slirp's (QEMU -netdev user) so guides written for
// QEMU apply: guest 10.0.2.15, gateway (the host) 10.0.2.2, DNS 10.0.2.3, in 10.0.2.0/24.

/** An IPv4 address as a 32-bit unsigned number. */
export type Ip4 = number;

export const ip4 = (text: string): Ip4 => {
  const p = text.split('.').map(Number);
  if (p.length !== 4 || p.some((n) => !Number.isInteger(n) || n < 0 || n > 255)) throw new Error(`not an IPv4 address: '${text}'`);
  return ((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0;
};
export const ip4Text = (a: Ip4): string => `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;

export const NETWORK = ip4('10.0.2.0');
export const NETMASK = ip4('255.255.255.0');
export const GATEWAY = ip4('10.0.2.2');
export const DNS = ip4('10.0.2.3');
export const GUEST = ip4('10.0.2.15');
export const BROADCAST = ip4('255.255.255.255');
/** The MAC the gateway and DNS addresses answer ARP with (slirp's 52:55:0a:00:02:02). */
export const GATEWAY_MAC = Buffer.from([0x52, 0x55, 0x0a, 0x00, 0x02, 0x02]);
export const BROADCAST_MAC = Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);

export const inNetwork = (a: Ip4): boolean => ((a & NETMASK) >>> 0) === NETWORK;
const LOOPBACK_NET = ip4('127.0.0.0');
export const isLoopback = (a: Ip4): boolean => ((a & 0xff000000) >>> 0) === LOOPBACK_NET;

/**
 * Where a guest's packet to `dst` goes on the host: the gateway is the host itself (its 127.0.0.1,
 * as slirp does); any other address outside 10.0.2.0/24 is used as is. Undefined: nowhere
 * (another address inside the virtual network).
 */
export function hostAddressFor(dst: Ip4): string | undefined {
  if (dst === GATEWAY) return '127.0.0.1';
  if (inNetwork(dst)) return undefined;
  return ip4Text(dst);
}

/** The reverse of hostAddressFor for a host peer's address seen from the guest. */
export function guestAddressFor(host: string): Ip4 {
  const a = ip4(host.startsWith('::ffff:') ? host.slice(7) : host);
  return isLoopback(a) ? GATEWAY : a;
}
