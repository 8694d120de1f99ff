import type { FastifyInstance } from 'fastify';

import { createApiToken } from '../../reconciler/store/api/api-tokens.js';
import { openStore, type Store } from '../../reconciler/store/open-store.js';
import { build, type BuildOptions } from '../../server/build.js';
import { recordApplied, recordSightings, tempStore } from '../support/applied-store.js';
import { labTexts, labWith } from '../support/lab-inventory.js';

/** Two applied commits of the lab inventory: C1 as committed, C2 with acme-web-02 moved from
 * 203.0.113.11 to .13 and globex-cache-01 removed. */
export const C1 = '1'.repeat(40);
export const C2 = '2'.repeat(40);

export function labAtC2(): Map<string, string> {
  const texts = labWith('vms/acme.yaml', 'ips: [203.0.113.11]', 'ips: [203.0.113.13]');
  const globex = texts.get('vms/globex.yaml')!;
  texts.set('vms/globex.yaml', globex.slice(0, globex.indexOf('---\nkind: VM\nname: globex-cache-01')));
  return texts;
}

export interface ApiFixture {
  app: FastifyInstance;
  store: Store;
  path: string;
  token: string;
  auth: { authorization: string };
  close(): Promise<void>;
}

/** A real store file with C1 then C2 applied, a switch's sightings, a token, and the app. */
export async function apiFixture(options: Omit<BuildOptions, 'store'> = {}, applied: 'both' | 'none' = 'both'): Promise<ApiFixture> {
  const s = await tempStore();
  if (applied === 'both') {
    await recordApplied(s.store, C1, labTexts(), 1_000_000);
    await recordApplied(s.store, C2, labAtC2(), 2_000_000);
    await recordSightings(
      s.store,
      'sw-r01',
      [
        { ip: '203.0.113.10', mac: '52:54:00:a0:00:01', port: 'Gi1/0/5', vlan: 100 },
        { ip: '203.0.113.99', mac: '52:54:00:00:00:99', port: 'Gi1/0/9', vlan: 100 },
      ],
      3_000_000,
    );
  }
  const made = await createApiToken(s.store, 'billing', 1);
  if (!made.created) throw new Error('token');
  // Tests make thousands of requests at once: no rate limit unless the test sets one.
  // The server reads through a connection of its own, as `pytin serve` does: the writes of the
  // tests (applies, observations, tokens) come from another connection, like another process's.
  const serverStore = await openStore(s.path);
  const app = await build({ store: serverStore, rateLimit: { perMinute: 1e9, burst: 1e9 }, ...options });
  return {
    app,
    store: s.store,
    path: s.path,
    token: made.token,
    auth: { authorization: `Bearer ${made.token}` },
    close: async () => {
      await app.close();
      await serverStore.close();
      await s.remove();
    },
  };
}
