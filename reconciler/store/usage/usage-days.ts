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

/* Packing. 5-minute: per bucket float32 octets in, float32 octets out, uint32 covered
 * milliseconds, uint8 samples (13 bytes, 3,744 per day: a row still fits one 4 KB page). Hourly:
 * float32 in, out, uint32 covered milliseconds (of 3,600,000), uint16 samples, float32 peaks in,
 * out, max (26 bytes, 624 per day). float32 keeps 24 bits: a bucket's octets are exact to 1 part
 * in 16 million, far inside what spreading an interval over buckets already assumes. Covered time
 * is exact (whole milliseconds, as sample times are). Invariant (billing): a bucket read back
 * covers exactly the time it was computed with; stored and live buckets are added up together
 * (a report reads stored buckets up to the watermark and computes the rest from the samples), so
 * covered time rounded here would move a report's coverage, and a rate, when maintenance ran.
 * Little-endian on every host.
 *
 * Days written before covered time was exact (11-byte buckets, 24-byte hours, covered whole
 * seconds) are still read, told apart by their length; they are rewritten exact only when
 * maintenance merges new buckets into them. */
interface Layout {
  bytes: number;
  /** Bytes of the covered-time field, at offset 8; the fields after it follow it. */
  coveredBytes: 2 | 4;
}
const BUCKET = { current: { bytes: 13, coveredBytes: 4 }, secondsCovered: { bytes: 11, coveredBytes: 2 } } as const satisfies Record<string, Layout>;
const HOUR = { current: { bytes: 26, coveredBytes: 4 }, secondsCovered: { bytes: 24, coveredBytes: 2 } } as const satisfies Record<string, Layout>;

/** The layout of a stored day of `count` entries, from its length. */
function layoutOf(data: Buffer, count: number, layouts: { current: Layout; secondsCovered: Layout }): Layout {
  for (const layout of [layouts.current, layouts.secondsCovered]) if (data.length === count * layout.bytes) return layout;
  throw new Error(`a usage day of ${data.length} bytes is not ${count} packed entries (usage_days is damaged)`);
}

const readCoveredMs = (data: Buffer, o: number, layout: Layout): number => (layout.coveredBytes === 4 ? data.readUInt32LE(o) : data.readUInt16LE(o) * 1000);

function packBuckets(buckets: readonly StoredBucket[]): Buffer {
  const { bytes } = BUCKET.current;
  const out = Buffer.alloc(BUCKETS_PER_DAY * bytes);
  buckets.forEach((b, k) => {
    out.writeFloatLE(b.inOctets, k * bytes);
    out.writeFloatLE(b.outOctets, k * bytes + 4);
    out.writeUInt32LE(Math.min(FIVE_MINUTES_MS, Math.max(0, Math.round(b.coveredMs))), k * bytes + 8);
    out.writeUInt8(Math.min(255, b.samples), k * bytes + 12);
  });
  return out;
}

function packHours(hours: readonly StoredHour[]): Buffer {
  const { bytes } = HOUR.current;
  const out = Buffer.alloc(HOURS_PER_DAY * bytes);
  hours.forEach((h, k) => {
    const o = k * bytes;
    out.writeFloatLE(h.inOctets, o);
    out.writeFloatLE(h.outOctets, o + 4);
    out.writeUInt32LE(Math.min(HOUR_MS, Math.max(0, Math.round(h.coveredMs))), o + 8);
    out.writeUInt16LE(Math.min(65535, h.samples), o + 12);
    out.writeFloatLE(h.peakInBitsPerSecond, o + 14);
    out.writeFloatLE(h.peakOutBitsPerSecond, o + 18);
    out.writeFloatLE(h.peakMaxBitsPerSecond, o + 22);
  });
  return out;
}

function unpack(resolutionSeconds: number, data: Buffer): UsageDay {
  if (resolutionSeconds === 300) {
    const layout = layoutOf(data, BUCKETS_PER_DAY, BUCKET);
    const buckets: StoredBucket[] = [];
    for (let k = 0; k < BUCKETS_PER_DAY; k++) {
      const o = k * layout.bytes;
      buckets.push({
        inOctets: data.readFloatLE(o),
        outOctets: data.readFloatLE(o + 4),
        coveredMs: readCoveredMs(data, o + 8, layout),
        samples: data.readUInt8(o + 8 + layout.coveredBytes),
      });
    }
    return { resolution: 'five-minutes', buckets };
  }
  const layout = layoutOf(data, HOURS_PER_DAY, HOUR);
  const after = 8 + layout.coveredBytes;
  const hours: StoredHour[] = [];
  for (let k = 0; k < HOURS_PER_DAY; k++) {
    const o = k * layout.bytes;
    hours.push({
      inOctets: data.readFloatLE(o),
      outOctets: data.readFloatLE(o + 4),
      coveredMs: readCoveredMs(data, o + 8, layout),
      samples: data.readUInt16LE(o + after),
      peakInBitsPerSecond: data.readFloatLE(o + after + 2),
      peakOutBitsPerSecond: data.readFloatLE(o + after + 6),
      peakMaxBitsPerSecond: data.readFloatLE(o + after + 10),
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
  const layout = layoutOf(packed, BUCKETS_PER_DAY, BUCKET);
  for (let k = 0; k < count; k++) {
    const o = (first + k) * layout.bytes;
    into.inOctets[at + k] = packed.readFloatLE(o);
    into.outOctets[at + k] = packed.readFloatLE(o + 4);
    into.coveredMs[at + k] = readCoveredMs(packed, o + 8, layout);
    into.samples[at + k] = packed.readUInt8(o + 8 + layout.coveredBytes);
  }
}

/** The hours of a packed hourly day. */
export function unpackHours(packed: Buffer): StoredHour[] {
  const day = unpack(3600, packed);
  return day.resolution === 'hourly' ? day.hours : [];
}
