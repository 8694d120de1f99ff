import type { CounterSample } from '../facts/counter-rates.js';
import { type SampleRow, toSample } from '../facts/counter-store.js';
import type { Row, SqlRunner } from '../file/sqlite.js';

/** A switch port as the last walk of its switch saw it. */
export interface SampledPort {
  device: string;
  ifIndex: number;
  speedBitsPerSecond: number | null;
}

/** The interface of a device whose ifName (else ifDescr) is `port`, from the last good walk. */
export async function findSampledPort(store: SqlRunner, device: string, port: string): Promise<SampledPort | undefined> {
  const row = await store.get<Row & { if_index: number; speed_mbps: number | null }>(
    'SELECT if_index, speed_mbps FROM device_interfaces WHERE device = ? AND (if_name = ? OR if_descr = ?) ORDER BY if_name = ? DESC, if_index LIMIT 1',
    [device, port, port, port],
  );
  if (!row) return undefined;
  return { device, ifIndex: row.if_index, speedBitsPerSecond: row.speed_mbps ? row.speed_mbps * 1_000_000 : null };
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
