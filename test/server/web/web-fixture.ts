import type { FastifyInstance } from 'fastify';

import { createApiToken } from '../../../reconciler/store/api/api-tokens.js';
import { openStore, type Store } from '../../../reconciler/store/open-store.js';
import { build } from '../../../server/build.js';
import { recordApplied, recordSightings, tempStore } from '../../support/applied-store.js';
import { labTexts, labWith } from '../../support/lab-inventory.js';

export const C1 = 'a'.repeat(40);
export const C2 = 'b'.repeat(40);
/** Free text from the inventory that must reach the pages as text, never as markup. */
export const HOSTILE = `<script>alert("x")</script> & 'Co'`;

/** The lab at C2: acme-web-02 moved from .11 to .13, and markup in free-text fields people write
 * (a tenant's display name, a device's description). */
export function hostileLab(): Map<string, string> {
  const texts = labWith('vms/acme.yaml', 'ips: [203.0.113.11]', 'ips: [203.0.113.13]');
  const edit = (file: string, find: string, replace: string) => {
    const text = texts.get(file)!;
    if (!text.includes(find)) throw new Error(`no ${find} in ${file}`);
    texts.set(file, text.replace(find, replace));
  };
  edit('tenants.yaml', 'displayName: ACME Hosting Ltd', `displayName: ${JSON.stringify(HOSTILE)}`);
  edit('network/devices.yaml', 'description: Switched PDU feeding rack 1 (rear, half-depth)', `description: ${JSON.stringify(HOSTILE)}`);
  return texts;
}

export interface WebFixture {
  app: FastifyInstance;
  store: Store;
  token: string;
  /** HTTP Basic with the token as the password, as a browser sends it. */
  basic(token?: string): { authorization: string };
  close(): Promise<void>;
}

/** A real store with the lab applied at C1 and the hostile lab at C2, a switch's sightings (one
 * address seen without an owner), a token, and the app (serving through its own connection). */
export async function webFixture(): Promise<WebFixture> {
  const s = await tempStore();
  await recordApplied(s.store, C1, labTexts(), 1_000_000);
  await recordApplied(s.store, C2, hostileLab(), 2_000_000);
  await recordSightings(
    s.store,
    'sw-r01',
    [
      { ip: '203.0.113.10', mac: '52:54:00:a0:00:01', port: 'Gi1/0/5', vlan: 100 },
      { ip: '203.0.113.99', mac: '52:54:00:00:00:99', port: 'Gi1/0/9', vlan: 100 },
    ],
    Date.now(),
  );
  const made = await createApiToken(s.store, 'support', 1);
  if (!made.created) throw new Error('token');
  const serverStore = await openStore(s.path);
  const app = await build({ store: serverStore, rateLimit: { perMinute: 1e9, burst: 1e9 } });
  return {
    app,
    store: s.store,
    token: made.token,
    basic: (token = made.token) => ({ authorization: `Basic ${Buffer.from(`anyone:${token}`).toString('base64')}` }),
    close: async () => {
      await app.close();
      await serverStore.close();
      await s.remove();
    },
  };
}
