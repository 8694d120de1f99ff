import { createHmac, randomBytes } from 'node:crypto';

import type { Secret } from '../../../inventory/secrets/secret.js';
import type { Store } from '../open-store.js';

/** What pytin last published as one secret user macro of one host: a keyed fingerprint of the
 * value, never the value. */
export interface MacroFingerprint {
  /** The inventory address of the host (its `pytin-key`). */
  key: string;
  macro: string;
  fingerprint: string;
}

/** The store's fingerprint key, made (32 random bytes) on first use. Two processes racing to make
 * it both insert-or-ignore, then read the one that won. */
async function fingerprintKey(store: Store): Promise<Buffer> {
  const read = async () => (await store.get<{ key_hex: string }>('SELECT key_hex FROM secret_fingerprint_key WHERE id = 1'))?.key_hex;
  let hex = await read();
  if (hex === undefined) {
    await store.run('INSERT OR IGNORE INTO secret_fingerprint_key (id, key_hex) VALUES (1, ?)', [randomBytes(32).toString('hex')]);
    hex = await read();
  }
  return Buffer.from(hex!, 'hex');
}

/** HMAC-SHA256 of a secret under the store's key: equal values give equal fingerprints in one
 * store, and nothing outside the store can test a guess against one. */
export async function secretFingerprint(store: Store, secret: Secret): Promise<string> {
  return `hmac-sha256:${createHmac('sha256', await fingerprintKey(store))
    .update(secret.reveal(), 'utf8')
    .digest('hex')}`;
}

/** Records the fingerprints of macros pytin has just written. */
export async function recordMacroFingerprints(store: Store, service: string, entries: readonly MacroFingerprint[]): Promise<void> {
  if (entries.length === 0) return;
  const now = Date.now();
  await store.transaction(async (tx) => {
    for (const e of entries) {
      await tx.run(
        `INSERT INTO zabbix_macro_fingerprints (service, host_key, macro, fingerprint, recorded_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (service, host_key, macro) DO UPDATE SET fingerprint = excluded.fingerprint, recorded_at = excluded.recorded_at`,
        [service, e.key, e.macro, e.fingerprint, now],
      );
    }
  });
}

/** Forgets macros pytin deleted. */
export async function forgetMacroFingerprints(store: Store, service: string, entries: ReadonlyArray<{ key: string; macro: string }>): Promise<void> {
  if (entries.length === 0) return;
  await store.transaction(async (tx) => {
    for (const e of entries) await tx.run('DELETE FROM zabbix_macro_fingerprints WHERE service = ? AND host_key = ? AND macro = ?', [service, e.key, e.macro]);
  });
}

/** Every macro fingerprint pytin recorded for one Zabbix. */
export async function macroFingerprints(store: Store, service: string): Promise<MacroFingerprint[]> {
  const rows = await store.all<{ host_key: string; macro: string; fingerprint: string }>(
    'SELECT host_key, macro, fingerprint FROM zabbix_macro_fingerprints WHERE service = ? ORDER BY host_key, macro',
    [service],
  );
  return rows.map((r) => ({ key: r.host_key, macro: r.macro, fingerprint: r.fingerprint }));
}
