/** Serialised answers by ETag. An ETag is a digest of the revision, the facts generation, the
 * route and the normalised query, so the bytes answered for it never change: a repeated query
 * costs a lookup. Kept as bytes, so a repeated answer is not encoded again. Bounded by total
 * size; the least recently used answers go first. */
export interface AnswerCache {
  get(etag: string): Buffer | undefined;
  set(etag: string, payload: Buffer): void;
}

export function answerCache(maxBytes: number): AnswerCache {
  const entries = new Map<string, Buffer>();
  let bytes = 0;
  return {
    get(etag) {
      const payload = entries.get(etag);
      if (payload !== undefined) {
        // Most recently used last.
        entries.delete(etag);
        entries.set(etag, payload);
      }
      return payload;
    },
    set(etag, payload) {
      if (payload.length > maxBytes || entries.has(etag)) return;
      entries.set(etag, payload);
      bytes += payload.length;
      for (const [key, value] of entries) {
        if (bytes <= maxBytes) break;
        entries.delete(key);
        bytes -= value.length;
      }
    },
  };
}
