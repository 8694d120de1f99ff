/** A token bucket per client key (a token's digest, or the peer address when no token is given):
 * `perMinute` requests a minute on average, bursts up to `burst`. Checked before any database
 * read, so a flood costs the store nothing. Buckets left full are forgotten, so the map holds
 * only clients seen within the last refill period. */
export interface RateLimiter {
  /** 0 when the request may go ahead, else the seconds to wait. */
  take(key: string, now: number): number;
}

export function rateLimiter(perMinute: number, burst: number): RateLimiter {
  const perMs = perMinute / 60_000;
  const buckets = new Map<string, { tokens: number; at: number }>();
  let sweptAt = 0;
  return {
    take(key, now) {
      if (now - sweptAt > 60_000) {
        for (const [k, b] of buckets) if (b.tokens + (now - b.at) * perMs >= burst) buckets.delete(k);
        sweptAt = now;
      }
      const bucket = buckets.get(key) ?? { tokens: burst, at: now };
      bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.at) * perMs);
      bucket.at = now;
      buckets.set(key, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      return Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000));
    },
  };
}
