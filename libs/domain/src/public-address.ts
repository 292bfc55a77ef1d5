import ipaddr from 'ipaddr.js';

/**
 * Whether an IP address, in any notation, is a public unicast address: not loopback,
 * private, link-local (the cloud metadata service), carrier-grade NAT, unspecified,
 * multicast, reserved or documentation, nor one of those wrapped in IPv6 (mapped
 * ::ffff:a.b.c.d, the deprecated compatible ::a.b.c.d, NAT64, 6to4, Teredo). Webhooks go only
 * to such addresses in production, so a bank cannot point the worker at the platform's own
 * network (reliability-anchors §4, SSRF).
 */
export function isPublicAddress(address: string): boolean {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  if (!ipaddr.isValid(bare)) return false;
  // process() turns an IPv4-mapped IPv6 address into the IPv4 address it carries
  const parsed = ipaddr.process(bare);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).parts.slice(0, 6).every((part) => part === 0)) return false; // ::/96, IPv4-compatible
  return parsed.range() === 'unicast';
}

/** Names that only mean something inside a network: never a bank's receiver. */
const LOCAL_NAME = /(^|\.)(localhost|local|localdomain|internal|intranet|lan|home\.arpa)$/i;

/**
 * Whether a URL's host (as `URL.hostname` gives it: an IPv6 literal in brackets) must be
 * refused as a webhook target before anything is resolved: an address that is not public, a
 * local name, or a single label (`redis`, `postgres`: a container's name on the
 * platform's own network). A public name can still resolve to a private address; the worker
 * checks every address it connects to (WebhookSender).
 */
export function isNonPublicHost(hostname: string): boolean {
  const host = hostname.replace(/\.$/, '');
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (ipaddr.isValid(bare)) return !isPublicAddress(bare);
  return !host.includes('.') || LOCAL_NAME.test(host);
}
