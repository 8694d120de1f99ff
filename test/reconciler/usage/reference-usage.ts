/** An independent, deliberately plain computation of billing usage from raw counter samples, to
 * check reconciler/usage against. It walks time one second at a time (samples are on whole
 * seconds here), so it shares no bucketing arithmetic with the code under test. */

export interface RawSample {
  /** Whole seconds since the epoch. */
  second: number;
  uptimeCs: number;
  inOctets: bigint;
  outOctets: bigint;
}

export interface ReferenceFigures {
  bytesIn: number;
  bytesOut: number;
  p95In: number | null;
  p95Out: number | null;
  p95Max: number | null;
  ratedBuckets: number;
  coverage: number;
}

interface PerSecond {
  inBytes: Float64Array;
  outBytes: Float64Array;
  known: Uint8Array;
}

/** Bytes per second of one interface over [fromSecond, toSecond); `known` marks seconds whose
 * counters are trusted. A gap: more than 15 minutes between samples, a counter going back, or
 * the agent's uptime advancing less than the wall clock (a restart). */
function perSecond(samples: readonly RawSample[], fromSecond: number, toSecond: number): PerSecond {
  const length = toSecond - fromSecond;
  const out: PerSecond = { inBytes: new Float64Array(length), outBytes: new Float64Array(length), known: new Uint8Array(length) };
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1]!;
    const b = samples[i]!;
    const seconds = b.second - a.second;
    if (seconds > 900) continue;
    if (b.inOctets < a.inOctets || b.outOctets < a.outOctets) continue;
    if (b.uptimeCs - a.uptimeCs < seconds * 100 - 3000) continue;
    const inPerSecond = Number(b.inOctets - a.inOctets) / seconds;
    const outPerSecond = Number(b.outOctets - a.outOctets) / seconds;
    for (let s = a.second; s < b.second; s++) {
      if (s < fromSecond || s >= toSecond) continue;
      out.inBytes[s - fromSecond] = inPerSecond;
      out.outBytes[s - fromSecond] = outPerSecond;
      out.known[s - fromSecond] = 1;
    }
  }
  return out;
}

function p95(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((x, y) => x - y);
  // Drop the top 5% (rounded down), keep the largest left.
  const keep = sorted.slice(0, sorted.length - Math.floor(sorted.length / 20));
  return keep[keep.length - 1]!;
}

/** Figures of the per-bucket sum of the interfaces, 300-second buckets from fromSecond. */
export function referenceUsage(interfaces: ReadonlyArray<readonly RawSample[]>, fromSecond: number, toSecond: number): ReferenceFigures {
  const timelines = interfaces.map((samples) => perSecond(samples, fromSecond, toSecond));
  let bytesIn = 0;
  let bytesOut = 0;
  let knownSeconds = 0;
  const ins: number[] = [];
  const outs: number[] = [];
  const maxes: number[] = [];
  for (let bucket = fromSecond; bucket + 300 <= toSecond; bucket += 300) {
    let inBps = 0;
    let outBps = 0;
    let rated = false;
    for (const t of timelines) {
      let known = 0;
      let inBytes = 0;
      let outBytes = 0;
      for (let s = bucket - fromSecond; s < bucket - fromSecond + 300; s++) {
        if (!t.known[s]) continue;
        known++;
        inBytes += t.inBytes[s]!;
        outBytes += t.outBytes[s]!;
      }
      bytesIn += inBytes;
      bytesOut += outBytes;
      knownSeconds += known;
      if (known >= 150) {
        rated = true;
        inBps += (inBytes * 8) / known;
        outBps += (outBytes * 8) / known;
      }
    }
    if (rated) {
      ins.push(inBps);
      outs.push(outBps);
      maxes.push(Math.max(inBps, outBps));
    }
  }
  const seconds = Math.floor((toSecond - fromSecond) / 300) * 300 * interfaces.length;
  return {
    bytesIn: Math.round(bytesIn),
    bytesOut: Math.round(bytesOut),
    p95In: p95(ins),
    p95Out: p95(outs),
    p95Max: p95(maxes),
    ratedBuckets: ins.length,
    coverage: seconds ? knownSeconds / seconds : 0,
  };
}
