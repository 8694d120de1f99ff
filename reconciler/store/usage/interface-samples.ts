import type { CounterSample } from '../facts/counter-rates.js';
import { type SampleRow, toSample } from '../facts/counter-store.js';
import type { Row, SqlRunner } from '../file/sqlite.js';

/** A switch port as the last walk of its switch saw it. */
export interface SampledPort {
  device: string;
  ifIndex: number;
  speedBitsPerSecond: number | null;
  /** How far its samples are bucketed into usage_days (usage_watermarks), if at all. */
  bucketedThrough: number | null;
}

/** The interface of a device whose ifName (else ifDescr) is `port`, from the last good walk, and
 * how far its usage is bucketed. */
export async function findSampledPort(store: SqlRunner, device: string, port: string): Promise<SampledPort | undefined> {
  // One query with the watermark: a report over many ports pays per query, not per row.
  const row = await store.get<Row & { if_index: number; speed_mbps: number | null; through: number | null }>(
    `SELECT i.if_index, i.speed_mbps, w.through FROM device_interfaces i
       LEFT JOIN usage_watermarks w ON w.device = i.device AND w.if_index = i.if_index
     WHERE i.device = ? AND (i.if_name = ? OR i.if_descr = ?) ORDER BY i.if_name = ? DESC, i.if_index LIMIT 1`,
    [device, port, port, port],
  );
  if (!row) return undefined;
  return { device, ifIndex: row.if_index, speedBitsPerSecond: row.speed_mbps ? row.speed_mbps * 1_000_000 : null, bucketedThrough: row.through };
}

/** The counter samples of one interface taken in [from, to], oldest first (the primary key
 * (device, if_index, sampled_at) serves the range). */
export async function samplesBetween(store: SqlRunner, device: string, ifIndex: number, from: number, to: number): Promise<CounterSample[]> {
  const rows = await store.all<SampleRow>(
    'SELECT sampled_at, sys_uptime_cs, counter_bits, in_octets, out_octets FROM counter_samples WHERE device = ? AND if_index = ? AND sampled_at BETWEEN ? AND ? ORDER BY sampled_at',
    [device, ifIndex, from, to],
  );
  return rows.map(toSample);
}
