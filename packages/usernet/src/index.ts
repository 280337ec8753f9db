export { UserNet, type GuestLink, type UserNetOptions, type PortForward } from './user-net.js';
export { DNS, GATEWAY, GUEST, NETMASK, ip4, ip4Text } from './addresses.js';
export { hostLookup, type DnsLookup } from './dns.js';
