import { isIPv6 } from 'node:net';

import { isHostName } from './names.js';
import { isHostPath, MAX_PATH_LENGTH } from './paths.js';

/** A URL authority pytin accepts: a host name, an IPv4 address or a bracketed IPv6 address, and
 * an optional port. No user or password (a credential in a URL is a literal secret, and `@` is
 * where URL parsers disagree). */
export function isUrlAuthority(text: string): boolean {
  const match = /^(\[[0-9A-Fa-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(text);
  if (!match) return false;
  const host = match[1]!;
  if (match[2] !== undefined && (Number(match[2]) < 1 || Number(match[2]) > 65535)) return false;
  return host.startsWith('[') ? isIPv6(host.slice(1, -1)) : isHostName(host);
}

/** A URL path: `/`-separated segments of unreserved characters (RFC 3986: letters, digits,
 * `- . _ ~`) and `%XX` escapes, never a `.` or `..` segment; empty, or starting with `/`. No
 * query or fragment: `?`, `&`, `=` and `#` are left out with every other separator. */
function isUrlPath(text: string): boolean {
  if (text === '') return true;
  if (!text.startsWith('/')) return false;
  const segments = text.slice(1).split('/');
  return segments.every((s, i) => (s === '' ? i === segments.length - 1 : /^(?:[A-Za-z0-9._~+-]|%[0-9A-Fa-f]{2})+$/.test(s) && s !== '.' && s !== '..'));
}

function isUrl(text: string, schemes: readonly string[]): boolean {
  if (text.length > MAX_PATH_LENGTH) return false;
  const match = /^([a-z]+):\/\/([^/]*)(.*)$/.exec(text);
  return match !== null && schemes.includes(match[1]!) && isUrlAuthority(match[2]!) && isUrlPath(match[3]!);
}

/** An install tree for `virt-install --location`: an http, https, ftp or nfs URL, or an absolute
 * path on the hypervisor. virt-install reads `--location` with its sub-option parser (`,kernel=`
 * and `,initrd=` name files to boot), so `,`, `=`, quotes and blanks are never part of it. */
export function isInstallTree(text: string): boolean {
  return isUrl(text, ['http', 'https', 'ftp', 'nfs']) || (isHostPath(text) && text !== '/');
}

/** An http(s) URL of a service pytin talks to (the Zabbix API): host, port and path only. */
export function isHttpUrl(text: string): boolean {
  return isUrl(text, ['http', 'https']);
}
