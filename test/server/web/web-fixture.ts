import type { FastifyInstance } from 'fastify';

import { createApiToken } from '../../../reconciler/store/api/api-tokens.js';
import { finishApplyRun, startApplyRun } from '../../../reconciler/store/apply/apply-runs.js';
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
  // A pool larger than a /24: drawn one row per /24.
  texts.set('network/big-pool.yaml', 'kind: IPPool\nname: big-v4\ndatacenter: lab1\ncidr: 10.20.0.0/22\ngateway: 10.20.0.1\nreserved: [10.20.1.0-10.20.1.9]\n');
  return texts;
}

/** The drift the fixture's latest plan of C2 reports. */
export const DRIFT = [
  {
    type: 'drift',
    address: 'server/hv-02',
    kind: 'device-not-answering',
    evidence: { source: 'ssh', where: 'hv-02', seenAt: '2026-11-30T10:00:00.000Z' },
    message: 'hv-02 did not answer over SSH',
  },
  {
    type: 'drift',
    address: 'server/hv-01/eno1',
    kind: 'mac-on-unexpected-port',
    evidence: { source: 'snmp', where: 'sw-r01 Gi1/0/7', seenAt: '2026-11-30T10:00:00.000Z' },
    message: `0c:c4:7a:10:00:01 seen on sw-r01 Gi1/0/7, cabled to Gi1/0/1 ${HOSTILE}`,
  },
];

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
  // acme-db-01's address last answered 40 days ago: held, but not seen for 31 days.
  await recordSightings(s.store, 'sw-r01', [{ ip: '203.0.113.12', mac: '52:54:00:a0:00:12', port: 'Gi1/0/6', vlan: 100 }], Date.now() - 40 * 86_400_000);
  // A later (failed) apply of C2 whose plan reports drift on two servers: what the rack and
  // device pages mark as observed.
  const run = await startApplyRun(s.store, {
    commit: C2,
    planHash: 'drift',
    holder: 'test@lab',
    startedAt: 2_500_000,
    planMessagesJson: JSON.stringify(DRIFT),
  });
  await finishApplyRun(s.store, run, { ok: false, finishedAt: 2_500_000, commit: C2, desiredJson: '' });
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
