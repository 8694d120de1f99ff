import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { tenantHoldings as inventoryTenantHoldings } from '../../../../inventory/model/tenant-holdings.js';
import { validateInventory } from '../../../../inventory/validate/validate-inventory.js';
import { knownAddresses, listAddresses } from '../../../../reconciler/store/api/address-records.js';
import { readApiHead } from '../../../../reconciler/store/api/api-head.js';
import { allSightings, appliedDesiredJson } from '../../../../reconciler/store/api/api-reads.js';
import { poolRecords, rackRecord } from '../../../../reconciler/store/api/api-records.js';
import { apiTokenDigest, createApiToken, listApiTokens, revokeApiToken } from '../../../../reconciler/store/api/api-tokens.js';
import { appliedModel } from '../../../../reconciler/store/api/applied-model.js';
import { tenantHoldings } from '../../../../reconciler/store/api/tenant-holdings.js';
import { openStore } from '../../../../reconciler/store/open-store.js';
import { formatIp, parseIp } from '../../../../schemas/formats/ip.js';
import { recordApplied, recordSightings, tempStore } from '../../../support/applied-store.js';
import { labTexts, labWith, snapshotOf } from '../../../support/lab-inventory.js';

const C1 = 'a'.repeat(40);
const C2 = 'b'.repeat(40);

test('a token is shown once and stored only as its digest; a name is unique among live tokens; a revoked token no longer authenticates', async (t) => {
  const s = await tempStore();
  t.after(() => s.remove());
  const made = await createApiToken(s.store, 'billing', 1000);
  assert.ok(made.created);
  assert.match(made.token, /^pytin_[A-Za-z0-9_-]{43}$/);
  await s.store.close();
  // The file never holds the secret, only its sha256.
  const bytes = readFileSync(s.path).toString('latin1') + readFileSync(`${s.path}-wal`, { flag: 'a+' }).toString('latin1');
  assert.ok(!bytes.includes(made.token));
  const store = await openStore(s.path);
  t.after(() => store.close());
  assert.deepEqual(await createApiToken(store, 'billing', 1001), { created: false, reason: 'name-in-use' });
  assert.equal((await readApiHead(store, apiTokenDigest(made.token), null)).tokenName, 'billing');
  assert.equal((await readApiHead(store, apiTokenDigest(made.token + 'x'), null)).tokenName, null);
  assert.equal(await revokeApiToken(store, 'billing', 2000), true);
  assert.equal(await revokeApiToken(store, 'billing', 2001), false);
  assert.equal((await readApiHead(store, apiTokenDigest(made.token), null)).tokenName, null);
  // The name may be issued again once revoked.
  assert.ok((await createApiToken(store, 'billing', 3000)).created);
  assert.deepEqual(
    (await listApiTokens(store)).map((r) => [r.name, r.revokedAt]),
    [
      ['billing', 2000],
      ['billing', null],
    ],
  );
});

test('a read snapshot sees one state of the store while another connection commits a new applied commit', async (t) => {
  const s = await tempStore();
  t.after(() => s.remove());
  await recordApplied(s.store, C1, labTexts(), 1000);
  const writer = await openStore(s.path);
  t.after(() => writer.close());
  const seen = await s.store.readSnapshot(async (tx) => {
    const before = await readApiHead(tx, 'none', null);
    await recordApplied(writer, C2, labTexts(), 2000);
    const after = await readApiHead(tx, 'none', null);
    return { before, after };
  });
  assert.equal(seen.before.commit, C1);
  assert.deepEqual(seen.after, seen.before);
  // Outside the snapshot the new commit is the head, and the old one is still served by ?rev=.
  const now = await readApiHead(s.store, 'none', null);
  assert.equal(now.commit, C2);
  assert.notEqual(now.factsGeneration, seen.before.factsGeneration);
  assert.equal((await readApiHead(s.store, 'none', C1)).commitKnown, true);
  assert.equal((await readApiHead(s.store, 'none', 'c'.repeat(40))).commitKnown, false);
});

async function labModel(t: { after(fn: () => Promise<void>): void }, texts = labTexts()) {
  const s = await tempStore();
  t.after(() => s.remove());
  await recordApplied(s.store, C1, texts, 1000);
  const applied = await appliedDesiredJson(s.store, C1);
  return { s, model: appliedModel(C1, applied!.appliedAt, applied!.json) };
}

test('pool sizes leave out network, broadcast, gateway and reserved ranges, counted by hand', async (t) => {
  const { model } = await labModel(t);
  const pools = new Map(poolRecords(model).map((p) => [p.name, p]));
  // 203.0.113.0/24: 256 - network - broadcast - gateway .1 - reserved .2-.9 (8).
  assert.equal(pools.get('lab1-public')?.size, '245');
  // Held: acme .10 .11 .12, globex .20 .21 .22, the shaping limit .150, the firewall's outside
  // address .30 and the dedicated server ded-01's .50; the reservation .200.
  assert.equal(pools.get('lab1-public')?.allocated, 9);
  assert.equal(pools.get('lab1-public')?.reserved, 1);
  assert.equal(pools.get('lab1-public')?.free, String(245 - 10));
  // 2001:db8:10::/64: 2^64 - the subnet-router anycast - the gateway.
  assert.equal(pools.get('lab1-public-v6')?.size, (2n ** 64n - 2n).toString());
  // 198.51.100.0/26: 64 - network - broadcast - gateway.
  assert.equal(pools.get('lab1-mgmt')?.size, '61');
});

test('free addresses of a pool, paged 7 at a time, are exactly the usable addresses nobody holds or was seen on', async (t) => {
  const { s, model } = await labModel(t);
  await recordSightings(s.store, 'sw-r01', [{ ip: '203.0.113.77', mac: '52:54:00:00:00:77', port: 'Gi1/0/7', vlan: 100 }], 5000);
  const sightings = await allSightings(s.store);
  // Independently: every address of the /24 but .0 .1 .255, .2-.9, those written in the lab's YAML, and the one seen.
  const written = new Set([...labTexts().values()].flatMap((text) => [...text.matchAll(/203\.0\.113\.(\d+)/g)].map((m) => Number(m[1]))));
  const expected: string[] = [];
  for (let i = 10; i < 255; i++) if (!written.has(i) && i !== 77) expected.push(`203.0.113.${i}`);
  const got: string[] = [];
  let after;
  for (let page = 0; page < 100; page++) {
    const { items, next } = listAddresses(model, [], sightings, { status: 'free', pool: 'lab1-public', limit: 7, ...(after ? { after } : {}) });
    assert.ok(items.length <= 7);
    got.push(...items.map((i) => i.address));
    if (!next) break;
    after = next;
  }
  assert.deepEqual(got, expected);
});

test('known addresses: held ones with their tenant, and a seen but unallocated one with where it was seen; paging visits each once in order', async (t) => {
  const { s, model } = await labModel(t);
  await recordSightings(
    s.store,
    'sw-r01',
    [
      { ip: '203.0.113.10', mac: '52:54:00:a0:00:01', port: 'Gi1/0/5', vlan: 100 },
      { ip: '203.0.113.99', mac: '52:54:00:00:00:99', port: 'Gi1/0/9', vlan: 100 },
    ],
    5000,
  );
  const sightings = await allSightings(s.store);
  const known = knownAddresses(model, sightings);
  const all = listAddresses(model, known, sightings, { limit: 1000 }).items;
  const ten = all.find((a) => a.address === '203.0.113.10');
  assert.deepEqual(
    { ...ten },
    {
      address: '203.0.113.10',
      version: 4,
      status: 'allocated',
      pool: 'lab1-public',
      vrf: null,
      holder: 'vm/acme-web-01/eth0',
      tenant: 'acme',
      firstSeen: new Date(5000).toISOString(),
      lastSeen: new Date(5000).toISOString(),
      mac: '52:54:00:a0:00:01',
      seenAt: { device: 'sw-r01', port: 'Gi1/0/5', vlan: 100 },
    },
  );
  const stray = all.find((a) => a.address === '203.0.113.99');
  assert.equal(stray?.status, 'seen-unallocated');
  assert.equal(stray?.pool, 'lab1-public');
  assert.equal(all.find((a) => a.address === '203.0.113.200')?.status, 'reserved');
  assert.equal(all.find((a) => a.address === '203.0.113.200')?.tenant, 'globex');
  assert.equal(all.find((a) => a.address === '203.0.113.150')?.tenant, 'acme');
  // Sorted by version, then numerically (not as text: .99 before .150); an address held in two VRFs
  // (the lab's 10.20.0.2) is listed once per VRF, next to each other.
  const order = all.map((a) => parseIp(a.address)!);
  for (let i = 1; i < order.length; i++) assert.ok(order[i - 1]!.version < order[i]!.version || order[i - 1]!.value <= order[i]!.value, formatIp(order[i]!));
  assert.deepEqual(
    all.filter((a) => a.address === '10.20.0.2').map((a) => [a.vrf, a.holder]),
    [
      ['acme-private', 'pool/acme-private-lan/reservation'],
      ['globex-private', 'device/globex-fw-01/inside'],
    ],
  );
  // Pages of 1 too: a page never ends between the two VRFs' copies of 10.20.0.2 (the cursor is an address).
  for (const limit of [1, 3]) {
    const paged: string[] = [];
    let after;
    for (let page = 0; page < all.length; page++) {
      const { items, next } = listAddresses(model, known, sightings, { limit, ...(after ? { after } : {}) });
      paged.push(...items.map((i) => `${i.address}${i.vrf === null ? '' : `%${i.vrf}`}`));
      if (!next) break;
      after = next;
    }
    assert.deepEqual(
      paged,
      all.map((a) => `${a.address}${a.vrf === null ? '' : `%${a.vrf}`}`),
      `pages of ${limit}`,
    );
  }
});

test("a tenant's holdings: its VMs, dedicated server, networks, VRF, addresses (its server's, reservation and shaping limit included) and its limits", async (t) => {
  const { model } = await labModel(t);
  const acme = tenantHoldings(model, 'acme');
  assert.deepEqual(acme.vms, ['acme-db-01', 'acme-web-01', 'acme-web-02']);
  assert.deepEqual([acme.servers, acme.vrfs, acme.networks.map((n) => n.pool)], [['ded-01'], ['acme-private'], ['acme-private-lan', 'acme-routed']]);
  assert.deepEqual(
    acme.addresses.map((a) => a.ip).sort(),
    ['10.20.0.2', '2001:db8:10::10', '203.0.113.10', '203.0.113.11', '203.0.113.12', '203.0.113.150', '203.0.113.50'].sort(),
  );
  // The served holdings are exactly what the inventory derives from the same commit's state.
  const { state } = validateInventory(snapshotOf(labTexts()));
  assert.deepEqual(
    acme.addresses.map((a) => `${a.holder} ${a.ip} ${a.vrf}`),
    inventoryTenantHoldings(state, 'acme').addresses.map((a) => `${a.holder} ${a.ip} ${a.vrf}`),
  );
  // A dedicated server's own address is the tenant's in the address listing too.
  assert.equal(model.held.find((h) => h.ip === '203.0.113.50')?.tenant, 'acme');
  assert.ok(acme.limits.some((l) => l.on === 'server/backup-01/shaping/203.0.113.150'));
  assert.ok(tenantHoldings(model, 'globex').addresses.some((a) => a.ip === '203.0.113.200' && a.status === 'reserved'));
});

test('a rack layout names the device in every unit it occupies', async (t) => {
  const { model } = await labModel(t, labWith('servers/hypervisors.yaml', 'position: 10, height: 2}', 'position: 12, height: 2}'));
  const rack = rackRecord(model, 'lab1-r01')!;
  assert.deepEqual(
    rack.layout.filter((u) => u.occupant?.name === 'hv-01').map((u) => u.unit),
    [12, 13],
  );
  assert.equal(rack.layout.length, rack.units);
});

test("a seen address is in the VRF of the switch that saw it: matched to that VRF's pools and holders, not the global table's", async (t) => {
  // sw-r02's agent answers with globex's VRF.
  const { s, model } = await labModel(t, labWith('network/switches.yaml', '  credentials: sw-r02-snmp', '  credentials: sw-r02-snmp\n  vrf: globex-private'));
  await recordSightings(
    s.store,
    'sw-r02',
    [
      { ip: '10.20.0.2', mac: '52:54:00:fe:00:02', port: '3', vlan: 20 }, // globex's firewall
      { ip: '10.20.0.7', mac: '52:54:00:fe:00:07', port: '4', vlan: 20 }, // nobody's, in globex's VRF
    ],
    7000,
  );
  const sightings = await allSightings(s.store);
  const all = listAddresses(model, knownAddresses(model, sightings), sightings, { limit: 1000 }).items;
  assert.deepEqual(
    all.filter((a) => a.address.startsWith('10.20.0.')).map((a) => [a.address, a.vrf, a.status, a.pool, a.lastSeen !== null]),
    [
      ['10.20.0.2', 'acme-private', 'reserved', 'acme-private-lan', false],
      ['10.20.0.2', 'globex-private', 'allocated', 'globex-private-lan', true],
      ['10.20.0.7', 'globex-private', 'seen-unallocated', 'globex-private-lan', true],
    ],
  );
});
