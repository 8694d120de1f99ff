/** One JSON-RPC request as the wire saw it: from handing it to fetch until its whole answer was read,
 * in milliseconds of performance.now(). The time between two of them is pytin's own. */
export interface TimedHttpCall {
  method: string;
  startMs: number;
  endMs: number;
}

/** Times every JSON-RPC request this process makes through the global fetch, without touching the
 * client: the bench splits a publish into the frontend's time and pytin's, call by call. The answer
 * is read whole here (the client reads it whole too) and handed on unchanged. */
export function timeHttpCalls(): { calls: TimedHttpCall[] } {
  const calls: TimedHttpCall[] = [];
  const original = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const startMs = performance.now();
    const response = await original(input, init);
    const body = await response.text();
    const method = typeof init?.body === 'string' ? String((JSON.parse(init.body) as { method?: unknown }).method) : '?';
    calls.push({ method, startMs, endMs: performance.now() });
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
  return { calls };
}

/** The frontend's share of a span: the time of the calls inside [fromMs, toMs], and how many. */
export function frontendShare(calls: readonly TimedHttpCall[], fromMs: number, toMs: number): { ms: number; count: number } {
  let ms = 0;
  let count = 0;
  for (const c of calls) {
    const overlap = Math.min(c.endMs, toMs) - Math.max(c.startMs, fromMs);
    if (overlap > 0) {
      ms += overlap;
      count += 1;
    }
  }
  return { ms, count };
}
