import { parseCidr, parseIp, rangeContains } from '../../schemas/formats/ip.js';

/** Whether `host` (as the trusted settings write it: an IP address or a DNS name) is one of the
 * allowed destinations: an IP, a CIDR (IP hosts inside it), a DNS name (exact, case-insensitive)
 * or `*.suffix` (any name ending in `.suffix`). A DNS name never matches a CIDR: pytin cannot
 * prove where a name points, so an operator who lists only networks must write IPs. */
export function destinationAllowed(host: string, allowed: readonly string[]): boolean {
  const ip = parseIp(host);
  const name = host.toLowerCase();
  return allowed.some((entry) => {
    const network = parseCidr(entry);
    if (network) return ip !== undefined && rangeContains(network, ip);
    const exact = parseIp(entry);
    if (exact) return ip !== undefined && ip.version === exact.version && ip.value === exact.value;
    const pattern = entry.toLowerCase();
    if (pattern.startsWith('*.')) return ip === undefined && name.endsWith(pattern.slice(1));
    return ip === undefined && name === pattern;
  });
}
