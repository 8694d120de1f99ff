// autocannon ships no types: the part of its documented API bench:api uses.
declare module 'autocannon' {
  export interface AutocannonResult {
    requests: { average: number; total: number };
    latency: { p50: number; p99: number };
    non2xx: number;
    errors: number;
  }
  export default function autocannon(options: {
    url: string;
    connections: number;
    duration: number;
    headers?: Record<string, string>;
  }): Promise<AutocannonResult>;
}
