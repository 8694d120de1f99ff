import assert from 'node:assert/strict';
import { test } from 'node:test';

import { DEFAULT_PARAMETERS, generateInventory } from '../../examples/generator/generate-inventory.js';
import { validateInventory } from '../../inventory/validate/validate-inventory.js';
import { makeTempDir } from '../lab/daemon.js';
import { snapshotOf } from '../support/lab-inventory.js';

const SMALL = { ...DEFAULT_PARAMETERS, racks: 6, servers: 200, vms: 1000, pools: 6, tenants: 20, colocationRacks: 5 };
const COLOCATION = 5;

test('a generated inventory validates without a diagnostic, and the same parameters give the same bytes', async (t) => {
  const one = await makeTempDir('gen1');
  const two = await makeTempDir('gen2');
  t.after(one.remove);
  t.after(two.remove);
  const first = await generateInventory(one.path, SMALL);
  const second = await generateInventory(two.path, SMALL);
  assert.deepEqual([...first], [...second]);
  const { diagnostics, state } = validateInventory(snapshotOf(first));
  assert.deepEqual(diagnostics, []);
  assert.equal([...state.resources.values()].filter((r) => r.kind === 'VM').length, 1000);
  // One address per server and VM, a management address per switch, and per colocation rack the
  // firewall's two (outside, and inside in the rack's VRF), the dedicated server's and the PDU's.
  assert.equal(state.ipHoldings.size, 200 + 1000 + SMALL.racks + 4 * COLOCATION);
  const ofKind = (kind: string) => [...state.resources.values()].filter((r) => r.kind === kind);
  assert.equal(ofKind('Device').length, SMALL.racks + 3 * COLOCATION);
  assert.equal(ofKind('IPPool').filter((pool) => (pool.spec as { routed?: unknown }).routed !== undefined).length, COLOCATION);
  assert.equal(ofKind('Server').filter((server) => (server.spec as { tenant?: string }).tenant !== undefined).length, COLOCATION);
  // The same private /24 once per colocation VRF, each routed in every datacenter; 192.168.0.2 held once in each.
  const privatePools = ofKind('IPPool').filter((pool) => (pool.spec as { vrf?: string }).vrf !== undefined);
  assert.deepEqual(
    [ofKind('VRF').length, privatePools.length, new Set(privatePools.map((pool) => (pool.spec as { cidr: string }).cidr)).size],
    [COLOCATION, COLOCATION, 1],
  );
  assert.equal([...state.ipHoldings.values()].filter((h) => h.ip === '192.168.0.2').length, COLOCATION);
});

test('a different seed gives a different inventory', async (t) => {
  const dir = await makeTempDir('gen3');
  t.after(dir.remove);
  const a = await generateInventory(dir.path, SMALL);
  const b = await generateInventory(dir.path, { ...SMALL, seed: 2 });
  assert.notDeepEqual([...a], [...b]);
});

test('parameters that cannot fit are refused with a reason', async (t) => {
  const dir = await makeTempDir('gen4');
  t.after(dir.remove);
  await assert.rejects(generateInventory(dir.path, { ...SMALL, vms: 5000, pools: 2 }), /guest pools of dc1 are full/);
  await assert.rejects(generateInventory(dir.path, { ...SMALL, racks: 1, servers: 100 }), /do not fit in 40 units/);
});
