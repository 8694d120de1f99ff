import assert from 'node:assert/strict';
import { test } from 'node:test';

import { connectionSettingsOf } from '../../../inventory/model/connection-settings.js';
import { validateInventory } from '../../../inventory/validate/validate-inventory.js';
import { networkDrift } from '../../../reconciler/plan/network-drift.js';
import { loadObservedFacts } from '../../../reconciler/session/load-facts.js';
import { recordSightings, tempStore } from '../../support/applied-store.js';
import { labWith, snapshotOf } from '../../support/lab-inventory.js';

const DAY = 86_400_000;

test('the facts keep the newest sighting of an address per device, so a VRF sighting is not hidden by a newer one in the global table', async (t) => {
  const s = await tempStore();
  t.after(() => s.remove());
  // sw-r02's agent answers with globex's VRF: its 10.20.0.2 is globex's firewall; sw-r01's is another host.
  const { state } = validateInventory(
    snapshotOf(labWith('network/switches.yaml', '  credentials: sw-r02-snmp', '  credentials: sw-r02-snmp\n  vrf: globex-private')),
  );
  const now = 100 * DAY;
  await recordSightings(s.store, 'sw-r02', [{ ip: '10.20.0.2', mac: '52:54:00:fe:00:02', port: '3', vlan: 20 }], now - 40 * DAY);
  await recordSightings(s.store, 'sw-r01', [{ ip: '10.20.0.2', mac: '52:54:00:fe:00:99', port: 'Gi1/0/9', vlan: 1 }], now);
  const facts = await loadObservedFacts(s.store, connectionSettingsOf(state), []);
  assert.deepEqual([...facts.sightings.values()].map((x) => [x.device, x.ip, x.lastSeen]).sort(), [
    ['sw-r01', '10.20.0.2', now],
    ['sw-r02', '10.20.0.2', now - 40 * DAY],
  ]);
  const drift = networkDrift(state, facts, { lastSeenWarningDays: 31, reservationWarningDays: 15, now });
  assert.deepEqual(
    drift.filter((d) => d.kind === 'address-not-seen').map((d) => d.address),
    ['ip/10.20.0.2%globex-private'],
  );
});
