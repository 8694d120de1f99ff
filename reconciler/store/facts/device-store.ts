import { insertRows } from '../bulk-insert.js';
import type { Row } from '../file/sqlite.js';
import type { Store } from '../open-store.js';
import { insertCounterSamples } from './counter-store.js';
import { DEVICE_FACT_KINDS, type DeviceFacts, deviceFactsFromJson, factsToJson } from './device-facts.js';
import { recordIpSightings, sightingsFromDeviceFacts } from './ip-history.js';
import { insertRun, lastRun, type ObservationRun } from './observation-runs.js';

export interface DeviceWalk {
  device: string;
  startedAt: number;
  finishedAt: number;
  facts: DeviceFacts;
}

/** Stores one complete walk. Invariant: one transaction — readers see either the previous
 * walk's facts or this one's, never a mix, also when the process dies half way. */
export async function recordDeviceWalk(store: Store, walk: DeviceWalk): Promise<number> {
  const { device, facts, finishedAt } = walk;
  return store.transaction(async (tx) => {
    const runId = await insertRun(tx, { source: 'snmp', subject: device, startedAt: walk.startedAt, finishedAt, status: 'succeeded' });
    const kinds = DEVICE_FACT_KINDS.map((kind) => `'${kind}'`).join(', ');
    await tx.run(`DELETE FROM current_facts WHERE subject_kind = 'device' AND subject = ? AND fact_kind NOT IN (${kinds})`, [device]);
    // Every kind in one statement: ?1 device, ?2 observed_at, ?3 run, then one JSON text per kind.
    // Updated in place rather than deleted and inserted: SQLite then rewrites only the pages whose
    // bytes changed, and a large ARP document that did not change costs no page writes.
    await tx.run(
      `INSERT INTO current_facts (subject_kind, subject, fact_kind, json, observed_at, run_id) VALUES ${DEVICE_FACT_KINDS.map((kind, i) => `('device', ?1, '${kind}', ?${i + 4}, ?2, ?3)`).join(', ')}
       ON CONFLICT (subject_kind, subject, fact_kind) DO UPDATE SET json = excluded.json, observed_at = excluded.observed_at, run_id = excluded.run_id`,
      [device, finishedAt, runId, ...DEVICE_FACT_KINDS.map((kind) => factsToJson(facts[kind]))],
    );
    await tx.run('DELETE FROM device_interfaces WHERE device = ?', [device]);
    await insertRows(
      tx,
      'device_interfaces',
      ['device', 'if_index', 'if_name', 'if_descr', 'if_alias', 'if_type', 'speed_mbps', 'oper_status', 'mac', 'run_id'],
      facts.interfaces.map((i) => [device, i.ifIndex, i.ifName, i.ifDescr, i.ifAlias, i.ifType, i.speedMbps, i.operStatus, i.mac, runId]),
    );
    await tx.run('DELETE FROM device_fdb WHERE device = ?', [device]);
    await insertRows(
      tx,
      'device_fdb',
      ['device', 'mac', 'vlan', 'if_index', 'run_id'],
      facts.fdb.map((f) => [device, f.mac.toLowerCase(), f.vlan, f.ifIndex, runId]),
    );
    await recordIpSightings(tx, device, sightingsFromDeviceFacts(device, facts), finishedAt);
    await insertCounterSamples(tx, device, facts, finishedAt);
    return runId;
  });
}

export interface StoredDeviceFacts {
  facts: DeviceFacts;
  /** When the facts were observed (ms since the epoch); callers show their age from it. */
  observedAt: number;
  runId: number;
  /** The latest run, which may have failed after these facts were stored. */
  lastRun: ObservationRun | undefined;
}

/** The last good facts of a device, or undefined if it was never walked successfully. */
export async function readDeviceFacts(store: Store, device: string): Promise<StoredDeviceFacts | undefined> {
  const rows = await store.all<Row & { fact_kind: string; json: string; observed_at: number; run_id: number }>(
    "SELECT fact_kind, json, observed_at, run_id FROM current_facts WHERE subject_kind = 'device' AND subject = ?",
    [device],
  );
  if (rows.length === 0) return undefined;
  const byKind = new Map(rows.map((r) => [r.fact_kind, r.json]));
  const first = rows[0]!;
  return {
    facts: deviceFactsFromJson(byKind),
    observedAt: first.observed_at,
    runId: first.run_id,
    lastRun: await lastRun(store, 'snmp', device),
  };
}

/** Where a MAC is seen now: devices' forwarding tables. */
export async function findMac(store: Store, mac: string): Promise<{ device: string; ifIndex: number | null; vlan: number | null }[]> {
  const rows = await store.all<Row & { device: string; if_index: number | null; vlan: number | null }>(
    'SELECT device, if_index, vlan FROM device_fdb WHERE mac = ? ORDER BY device, if_index',
    [mac.toLowerCase()],
  );
  return rows.map((r) => ({ device: r.device, ifIndex: r.if_index, vlan: r.vlan }));
}
