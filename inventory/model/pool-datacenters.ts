import type { IPPoolSpec } from './specs.js';

/** The datacenters a pool is routed in: the one `datacenter`, the `datacenters` of a pool routed
 * across several, or undefined for a pool that names neither (routed in any datacenter). */
export function poolDatacenters(spec: IPPoolSpec): readonly string[] | undefined {
  if (spec.datacenters !== undefined) return spec.datacenters;
  return spec.datacenter !== undefined ? [spec.datacenter] : undefined;
}

/** Whether a holder in this datacenter may hold the pool's addresses. */
export function poolServesDatacenter(spec: IPPoolSpec, datacenter: string): boolean {
  const datacenters = poolDatacenters(spec);
  return datacenters === undefined || datacenters.includes(datacenter);
}

/** `datacenter "lab1"`, `datacenters "a", "b"` or `any datacenter`, for messages. */
export function describePoolDatacenters(spec: IPPoolSpec): string {
  const datacenters = poolDatacenters(spec);
  if (datacenters === undefined) return 'any datacenter';
  return `datacenter${datacenters.length === 1 ? '' : 's'} ${datacenters.map((d) => `"${d}"`).join(', ')}`;
}
