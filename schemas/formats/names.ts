import { isIP } from 'node:net';

/** Resource names: safe in file names, URLs, libvirt domain names and Zabbix host names. */
export function isResourceName(text: string): boolean {
  return /^[a-z0-9][a-z0-9._-]{0,62}$/.test(text);
}

/** A DNS host name (RFC 1123 labels) or an IP address. */
export function isHostName(text: string): boolean {
  if (isIP(text)) return true;
  if (text.length > 253) return false;
  return text.split('.').every((label) => /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(label));
}
