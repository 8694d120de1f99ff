import { insertRows } from '../bulk-insert.js';
import type { Row, SqlRunner } from '../file/sqlite.js';
import type { Store } from '../open-store.js';
import { counterRate, type CounterSample, type RateResult } from './counter-rates.js';
import type { DeviceFacts } from './device-facts.js';

/** Counters are written as decimal TEXT (SQLite INTEGER would reach JS as a lossy number). */
export async function insertCounterSamples(tx: SqlRunner, device: string, facts: DeviceFacts, at: number): Promise<void> {
  const rows = facts.interfaces
    .filter((i) => i.inOctets !== null || i.outOctets !== null)
    .map((i) => [device, i.ifIndex, at, facts.system.sysUpTime, i.counterBits, i.inOctets?.toString() ?? null, i.outOctets?.toString() ?? null]);
  await insertRows(
    tx,
    'counter_samples',
    ['device', 'if_index', 'sampled_at', 'sys_uptime_cs', 'counter_bits', 'in_octets', 'out_octets'],
    rows,
    'INSERT OR REPLACE',
  );
}

export interface SampleRow extends Row {
  sampled_at: number;
  sys_uptime_cs: number;
  counter_bits: number;
  in_octets: string | null;
  out_octets: string | null;
}

export function toSample(row: SampleRow): CounterSample {
  return {
    at: row.sampled_at,
    sysUpTime: row.sys_uptime_cs,
    counterBits: row.counter_bits === 32 ? 32 : 64,
    inOctets: row.in_octets === null ? null : BigInt(row.in_octets),
    outOctets: row.out_octets === null ? null : BigInt(row.out_octets),
  };
}

export async function counterSamples(store: Store, device: string, ifIndex: number, limit = 100): Promise<CounterSample[]> {
  const rows = await store.all<SampleRow>('SELECT * FROM counter_samples WHERE device = ? AND if_index = ? ORDER BY sampled_at DESC LIMIT ?', [
    device,
    ifIndex,
    limit,
  ]);
  return rows.map(toSample).reverse();
}

export interface IntervalRate {
  from: number;
  to: number;
  rate: RateResult;
}

/** Rates between consecutive samples of one interface, oldest first, checked against the
 * interface speed the device last reported. */
export async function interfaceRates(store: Store, device: string, ifIndex: number, limit = 100): Promise<IntervalRate[]> {
  const samples = await counterSamples(store, device, ifIndex, limit + 1);
  const speed = await store.get<Row & { speed_mbps: number | null }>('SELECT speed_mbps FROM device_interfaces WHERE device = ? AND if_index = ?', [
    device,
    ifIndex,
  ]);
  const speedBitsPerSecond = speed?.speed_mbps ? speed.speed_mbps * 1_000_000 : null;
  const rates: IntervalRate[] = [];
  for (let k = 1; k < samples.length; k++) {
    const previous = samples[k - 1]!;
    const next = samples[k]!;
    rates.push({ from: previous.at, to: next.at, rate: counterRate(previous, next, speedBitsPerSecond) });
  }
  return rates;
}
