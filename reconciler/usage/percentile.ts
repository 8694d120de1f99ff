/** The burstable-billing 95th percentile: sort the bucket rates, drop the top 5% (rounded down)
 * and take the largest that is left. With n rates that is the ceil(0.95 n)-th smallest; with
 * fewer than 20 rates nothing is dropped. null when there is no rate at all. */
export function percentile95(rates: ArrayLike<number>): number | null {
  const n = rates.length;
  if (n === 0) return null;
  const sorted = Float64Array.from(rates).sort();
  const dropped = Math.floor((n * 5) / 100);
  return sorted[n - dropped - 1]!;
}
