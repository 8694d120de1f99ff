import { fingerprint, type HostKey, sameKey } from './host-key.js';
import type { KnownHostEntry } from './known-hosts.js';

export type HostKeyVerdict =
  { verdict: 'known' } | { verdict: 'unknown' } | { verdict: 'revoked'; fingerprint: string } | { verdict: 'changed'; presented: string; pinned: string[] };

/** Decides about a presented host key given the pinned entries for that host.
 * Invariant: once a host has any pinned key, a key that is not one of them is "changed" —
 * never "unknown" — so --trust-new-hosts cannot be used to slip a replaced key in. */
export function checkHostKey(pinned: readonly KnownHostEntry[], presented: HostKey): HostKeyVerdict {
  if (pinned.some((e) => e.revoked && sameKey(e.key, presented))) return { verdict: 'revoked', fingerprint: fingerprint(presented) };
  const valid = pinned.filter((e) => !e.revoked);
  if (valid.some((e) => sameKey(e.key, presented))) return { verdict: 'known' };
  if (valid.length === 0) return { verdict: 'unknown' };
  return { verdict: 'changed', presented: fingerprint(presented), pinned: valid.map((e) => `${e.key.type} ${fingerprint(e.key)}`) };
}
