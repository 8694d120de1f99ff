import type { Row, SqlRunner } from '../file/sqlite.js';

export const DAY_MS = 86_400_000;
export const FIVE_MINUTES_MS = 300_000;
export const HOUR_MS = 3_600_000;
export const BUCKETS_PER_DAY = DAY_MS / FIVE_MINUTES_MS;
export const HOURS_PER_DAY = 24;

/** One 5-minute bucket of one interface, as stored. */
export interface StoredBucket {
  inOctets: number;
  outOctets: number;
  coveredMs: number;
  /** Counter samples taken inside it. */
  samples: number;
}

/** One hour of a rolled-up day: the 5-minute rates are gone, their peaks stay. */
export interface StoredHour extends StoredBucket {
  peakInBitsPerSecond: number;
  peakOutBitsPerSecond: number;
  peakMaxBitsPerSecond: number;
}

export type UsageDay = { resolution: 'five-minutes'; buckets: StoredBucket[] } | { resolution: 'hourly'; hours: StoredHour[] };

/* Packing. 5-minute: per bucket float32 octets in, float32 octets out, uint16 covered seconds,
 * uint8 samples (11 bytes, 3,168 per day). Hourly: float32 in, out, uint16 covered seconds (of
 * 3,600), uint16 samples, float32 peaks in, out, max (24 bytes, 576 per day). float32 keeps 24 bits: a bucket's octets are exact
 * to 1 part in 16 million, far inside what spreading an interval over buckets already assumes;
 * covered time to the second. Little-endian on every host. */
const BUCKET_BYTES = 11;
const HOUR_BYTES = 24;

function packBuckets(buckets: readonly StoredBucket[]): Buffer {
  const out = Buffer.alloc(BUCKETS_PER_DAY * BUCKET_BYTES);
  buckets.forEach((b, k) => {
    out.writeFloatLE(b.inOctets, k * BUCKET_BYTES);
    out.writeFloatLE(b.outOctets, k * BUCKET_BYTES + 4);
    out.writeUInt16LE(Math.min(300, Math.round(b.coveredMs / 1000)), k * BUCKET_BYTES + 8);
    out.writeUInt8(Math.min(255, b.samples), k * BUCKET_BYTES + 10);
  });
  return out;
}

function packHours(hours: readonly StoredHour[]): Buffer {
  const out = Buffer.alloc(HOURS_PER_DAY * HOUR_BYTES);
  hours.forEach((h, k) => {
    const o = k * HOUR_BYTES;
    out.writeFloatLE(h.inOctets, o);
    out.writeFloatLE(h.outOctets, o + 4);
    out.writeUInt16LE(Math.min(3600, Math.round(h.coveredMs / 1000)), o + 8);
    out.writeUInt16LE(Math.min(65535, h.samples), o + 10);
    out.writeFloatLE(h.peakInBitsPerSecond, o + 12);
    out.writeFloatLE(h.peakOutBitsPerSecond, o + 16);
    out.writeFloatLE(h.peakMaxBitsPerSecond, o + 20);
  });
  return out;
}

function unpack(resolutionSeconds: number, data: Buffer): UsageDay {
  if (resolutionSeconds === 300) {
    const buckets: StoredBucket[] = [];
    for (let k = 0; k < BUCKETS_PER_DAY; k++) {
      const o = k * BUCKET_BYTES;
      buckets.push({
        inOctets: data.readFloatLE(o),
        outOctets: data.readFloatLE(o + 4),
        coveredMs: data.readUInt16LE(o + 8) * 1000,
        samples: data.readUInt8(o + 10),
      });
    }
    return { resolution: 'five-minutes', buckets };
  }
  const hours: StoredHour[] = [];
  for (let k = 0; k < HOURS_PER_DAY; k++) {
    const o = k * HOUR_BYTES;
    hours.push({
      inOctets: data.readFloatLE(o),
      outOctets: data.readFloatLE(o + 4),
      coveredMs: data.readUInt16LE(o + 8) * 1000,
      samples: data.readUInt16LE(o + 10),
      peakInBitsPerSecond: data.readFloatLE(o + 12),
      peakOutBitsPerSecond: data.readFloatLE(o + 16),
      peakMaxBitsPerSecond: data.readFloatLE(o + 20),
    });
  }
  return { resolution: 'hourly', hours };
}

export async function writeUsageDay(tx: SqlRunner, device: string, ifIndex: number, day: number, usage: UsageDay): Promise<void> {
  const [resolution, data] = usage.resolution === 'five-minutes' ? [300, packBuckets(usage.buckets)] : [3600, packHours(usage.hours)];
  await tx.run('INSERT OR REPLACE INTO usage_days (device, if_index, day, resolution_s, data) VALUES (?, ?, ?, ?, ?)', [
    device,
    ifIndex,
    day,
    resolution,
    data,
  ]);
}

/** The stored days of one interface in [fromDay, toDay), by day, unpacked. */
export async function readUsageDays(db: SqlRunner, device: string, ifIndex: number, fromDay: number, toDay: number): Promise<Map<number, UsageDay>> {
  const packed = await readPackedUsageDays(db, device, ifIndex, fromDay, toDay);
  return new Map([...packed].map(([day, p]) => [day, unpack(p.resolution === 'five-minutes' ? 300 : 3600, p.data)]));
}

/** Records how far (ms, a bucket boundary) a series is bucketed into usage_days. */
export async function setUsageWatermark(tx: SqlRunner, device: string, ifIndex: number, through: number): Promise<void> {
  await tx.run('INSERT OR REPLACE INTO usage_watermarks (device, if_index, through) VALUES (?, ?, ?)', [device, ifIndex, through]);
}

/** A stored day as packed, for readers that copy many buckets (a report over many ports). */
export interface PackedUsageDay {
  resolution: 'five-minutes' | 'hourly';
  data: Buffer;
}

export async function readPackedUsageDays(
  db: SqlRunner,
  device: string,
  ifIndex: number,
  fromDay: number,
  toDay: number,
): Promise<Map<number, PackedUsageDay>> {
  const rows = await db.all<Row & { day: number; resolution_s: number; data: Buffer }>(
    'SELECT day, resolution_s, data FROM usage_days WHERE device = ? AND if_index = ? AND day >= ? AND day < ?',
    [device, ifIndex, fromDay, toDay],
  );
  return new Map(rows.map((r) => [r.day, { resolution: r.resolution_s === 300 ? 'five-minutes' : 'hourly', data: r.data }]));
}

/** Copies 5-minute buckets [first, first + count) of a packed day into columns at `at`, with no
 * object per bucket (a month of 2,000 ports is 17 million buckets). */
export function copyFiveMinuteBuckets(
  packed: Buffer,
  first: number,
  count: number,
  into: { inOctets: Float64Array; outOctets: Float64Array; coveredMs: Float64Array; samples: Float64Array },
  at: number,
): void {
  for (let k = 0; k < count; k++) {
    const o = (first + k) * BUCKET_BYTES;
    into.inOctets[at + k] = packed.readFloatLE(o);
    into.outOctets[at + k] = packed.readFloatLE(o + 4);
    into.coveredMs[at + k] = packed.readUInt16LE(o + 8) * 1000;
    into.samples[at + k] = packed.readUInt8(o + 10);
  }
}

/** The hours of a packed hourly day. */
export function unpackHours(packed: Buffer): StoredHour[] {
  const day = unpack(3600, packed);
  return day.resolution === 'hourly' ? day.hours : [];
}
