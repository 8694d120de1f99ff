import { createHash } from 'node:crypto';

/** A deterministic UUIDv4 (the version and variant bits Zabbix checks, the rest from a hash) for an
 * object pytin owns by identity rather than by tag (host groups have no tags): the same inventory
 * key always gives the same uuid, so a group pytin made is recognised on every run, and a group of
 * the same name that someone else made is not. */
export function ownedUuid(kind: string, key: string): string {
  const bytes = createHash('sha256').update(`pytin\u0000${kind}\u0000${key}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  return bytes.toString('hex');
}
