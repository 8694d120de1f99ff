import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';

import { type ObservationResult, observeInventory } from '../../../reconciler/observe/observe-inventory.js';
import { readDeviceFacts } from '../../../reconciler/store/facts/device-store.js';
import { ipHistory } from '../../../reconciler/store/facts/ip-history.js';
import { openStore, type Store } from '../../../reconciler/store/open-store.js';
import { SshPool } from '../../../reconciler/transports/ssh/ssh-pool.js';
import { freeUdpPort, makeTempDir } from '../../lab/daemon.js';
import { craftedTable, startSnmpd } from '../../lab/snmpd.js';

// README: "a failed or partial walk keeps the last good facts". One switch, one real SQLite
// store: a complete walk, then the switch's agent loops in the middle of its ARP table, then it
// dies in the middle of it; after each, the store holds exactly what the good walk stored.

const MEDIA = '1.3.6.1.2.1.4.22.1';
const DEVICE = 'sw-flaky';
const COMMUNITY = 'flaky';

/** ipNetToMediaPhysAddress rows for 10.7.<i/250>.<i%250+1> on ifIndex 3, `count` of them. */
function arpRows(count: number, macPrefix: string) {
  return Array.from({ length: count }, (_, i) => {
    const ip = `10.7.${Math.floor(i / 250)}.${(i % 250) + 1}`;
    const low = (i % 256).toString(16).padStart(2, '0');
    const high = Math.floor(i / 256)
      .toString(16)
      .padStart(2, '0');
    return { oid: `${MEDIA}.2.3.${ip}`, type: 'octet', value: `${macPrefix} ${high} ${low}`, ip, mac: `${macPrefix.replaceAll(' ', ':')}:${high}:${low}` };
  });
}

/** Starts an snmpd on `port` whose ipNetToMediaTable is `rows` (see snmp-crafted-table.ts), walks it
 * once through observeInventory into `store`, stops it, and returns the result. */
async function observeOnce(
  store: Store,
  port: number,
  rows: ReturnType<typeof arpRows>,
  mode: { wrap?: boolean; dieAfterRow?: number },
): Promise<ObservationResult & { agentKilled: boolean }> {
  const temp = await makeTempDir('partial-walk');
  const pool = new SshPool({ knownHostsPath: join(temp.path, 'known_hosts'), trustNewHosts: false });
  try {
    const handler = await craftedTable(temp.path, `.${MEDIA}`, rows, mode);
    const snmpd = await startSnmpd({ port, community: COMMUNITY, passPersist: [handler], disableModules: ['ip'] });
    try {
      const target = { version: '2c' as const, host: snmpd.host, port, community: COMMUNITY, timeoutMs: 4000, retries: 1, maxRepetitions: 20 };
      const [result] = await observeInventory([{ source: 'snmp', device: { name: DEVICE, target } }], { store, pool, parallelism: 1 });
      return { ...result!, agentKilled: snmpd.daemon.process.signalCode === 'SIGKILL' };
    } finally {
      await snmpd.stop();
    }
  } finally {
    await pool.close();
    await temp.remove();
  }
}

test('a walk that loops or whose agent dies mid-table leaves the last good facts in the store', async (t) => {
  const dir = await makeTempDir('partial-walk-store');
  t.after(dir.remove);
  const store = await openStore(join(dir.path, 'store.sqlite'));
  t.after(() => store.close());
  const port = await freeUdpPort();

  const good = arpRows(120, '52 54 00 07');
  const first = await observeOnce(store, port, good, {});
  assert.equal(first.ok, true, JSON.stringify(first.diagnostics));
  // The store's share of the observation is reported apart (bench:observe reads it).
  assert.ok(first.storeMs !== undefined && first.storeMs >= 0 && first.storeMs <= first.durationMs, `${first.storeMs} of ${first.durationMs} ms`);
  const stored = await readDeviceFacts(store, DEVICE);
  assert.ok(stored, 'the complete walk was stored');
  // Expected independently of the observer: the rows the agent was given (the machine's own
  // neighbours may appear in ipNetToPhysicalTable too; only the crafted 10.7/16 rows are ours).
  assert.deepEqual(
    stored.facts.arp
      .filter((a) => a.ip.startsWith('10.7.'))
      .map((a) => `${a.ip} ${a.mac}`)
      .sort(),
    good.map((r) => `${r.ip} ${r.mac}`).sort(),
  );
  const goodRun = stored.runId;
  const lastSeen = (await ipHistory(store, '10.7.0.1'))[0]?.lastSeen;
  assert.ok(lastSeen !== undefined);

  // Other MACs now, so any row of a bad walk that reached the store would show.
  const moved = arpRows(300, '52 54 00 99');

  await t.test('an agent whose ARP table loops: the walk is partial and stores nothing', async () => {
    const looped = await observeOnce(store, port, moved.slice(0, 90), { wrap: true });
    assert.equal(looped.ok, false);
    assert.equal(looped.agentKilled, false);
    assert.ok(
      looped.diagnostics.some((d) => d.code === 'OBS_SNMP_OID_NOT_INCREASING'),
      JSON.stringify(looped.diagnostics),
    );
    assert.match(looped.summary, /the last good facts are kept/);
    const after = await readDeviceFacts(store, DEVICE);
    assert.deepEqual(after?.facts, stored.facts);
    assert.equal(after?.runId, goodRun);
    assert.equal(after?.lastRun?.status, 'failed', 'the failed attempt is recorded as the latest run');
    assert.match(after?.lastRun?.error ?? '', /ipNetToMediaPhysAddress/);
    const history = await ipHistory(store, '10.7.0.1');
    assert.equal(history.length, 1, 'no new MAC row for 10.7.0.1');
    assert.equal(history[0]?.lastSeen, lastSeen, 'last_seen did not move');
  });

  await t.test('an agent that dies half way through the ARP table: the walk is interrupted and stores nothing', async () => {
    // The handler kills its snmpd when the walk asks past row 200: the death is an event of the
    // walk, not of the clock.
    const died = await observeOnce(store, port, moved, { dieAfterRow: 200 });
    assert.equal(died.ok, false);
    assert.ok(died.agentKilled, 'snmpd itself died during the walk');
    assert.ok(
      died.diagnostics.some((d) => d.code === 'OBS_SNMP_WALK_INTERRUPTED'),
      JSON.stringify(died.diagnostics),
    );
    const after = await readDeviceFacts(store, DEVICE);
    assert.deepEqual(after?.facts, stored.facts);
    assert.equal(after?.runId, goodRun);
    assert.equal(after?.lastRun?.status, 'failed');
    const history = await ipHistory(store, '10.7.0.1');
    assert.equal(history.length, 1, 'no new MAC row for 10.7.0.1');
    assert.equal(history[0]?.lastSeen, lastSeen, 'last_seen did not move');
  });
});
