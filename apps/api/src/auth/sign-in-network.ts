import ipaddr from 'ipaddr.js';

/**
 * What the per-address sign-in limit counts: an IPv4 address as it is, an IPv6 address by
 * its /64. A subscriber is handed at least a whole /64 (RFC 6177), so counting single IPv6
 * addresses gave one client 2^64 fresh counters to guess from. An IPv4 address written as
 * IPv6 (`::ffff:a.b.c.d`, as a dual-stack socket reports it) counts as that IPv4 address.
 * What is no address at all is counted as given.
 */
export function signInNetwork(address: string): string {
  if (!ipaddr.isValid(address)) return address;
  const parsed = ipaddr.process(address);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  // the first four 16-bit groups; a zone id (fe80::1%eth0) names the host's interface, not the client's network
  const network = new ipaddr.IPv6([...(parsed as ipaddr.IPv6).parts.slice(0, 4), 0, 0, 0, 0]);
  return `${network.toString()}/64`;
}
