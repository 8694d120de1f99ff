import type { Diagnostic } from '../../../inventory/core/diagnostic.js';
import type { ServerSpec } from '../../../inventory/model/specs.js';
import { canonicalIp } from '../../../schemas/formats/ip.js';
import { formatBandwidth, parseBandwidth, parseSize } from '../../../schemas/formats/units.js';
import type { BandwidthCode } from './bandwidth-codes.js';
import type { TcObserved } from './read-shaping.js';
import { type ShapedAddress, treesFor } from './shaping-state.js';
import { classid, homeMinor, PYTIN_MINOR_FIRST, PYTIN_MINOR_LAST, pytinMinor } from './tc-handles.js';
import { quantizeRate } from './tc-rate.js';
import { compareIps, type TcDeviceTree } from './tc-tree.js';

export type ShapingSpec = NonNullable<ServerSpec['shaping']>;

/** What pytin wants on one host: the shaped interfaces, the addresses with their classes and
 * rates, the device trees they make, and what the inventory asked that tc cannot do. */
export type TcDesired = {
  host: string;
  interfaces: string[];
  addresses: ShapedAddress[];
  devices: TcDeviceTree[];
  diagnostics: Diagnostic[];
};

function diagnostic(host: string, severity: 'error' | 'warning', code: BandwidthCode, summary: string): Diagnostic {
  return { severity, code, summary, address: `server/${host}` };
}

type ParsedLimit = { ip: string; inbound: number | null; outbound: number | null; burst: number | null };

/**
 * Compiles a shared host's limits into tc trees (pure). Class minors: an address keeps the class
 * it is observed with in `previous` (when that class is pytin's and no other address claimed it);
 * any other address takes the first free minor from the hash of its own text. Both steps run in
 * address order, so the result does not depend on the order of the limits in the inventory, and
 * with `previous` adding or removing an address never moves another address's class.
 */
export function compileShaping(host: string, shaping: ShapingSpec | undefined, previous?: TcObserved | null): TcDesired {
  const diagnostics: Diagnostic[] = [];
  const interfaces = [...(shaping?.interfaces ?? [])];
  const parsed = new Map<string, ParsedLimit>();
  for (const limit of shaping?.limits ?? []) {
    const ip = canonicalIp(limit.ip);
    const b = limit.bandwidth;
    const rate = (field: 'inbound' | 'outbound'): number | null | undefined => {
      const text = b[field];
      if (text === undefined) return null;
      const bits = parseBandwidth(text);
      if (bits === undefined) return undefined;
      const applied = quantizeRate(bits);
      if (applied !== bits)
        diagnostics.push(
          diagnostic(host, 'warning', 'PLAN_TC_RATE_ROUNDED', `${field} ${text} of ${ip} is applied as ${formatBandwidth(applied)}: tc keeps no finer rate`),
        );
      return applied;
    };
    const inbound = rate('inbound');
    const outbound = rate('outbound');
    const burst = b.burst === undefined ? null : parseSize(b.burst);
    if (ip === undefined || inbound === undefined || outbound === undefined || burst === undefined) {
      diagnostics.push(diagnostic(host, 'error', 'PLAN_TC_INVALID_LIMIT', `the limit of ${limit.ip} cannot be read (address, rate or burst); it is left out`));
      continue;
    }
    if (parsed.has(ip)) {
      diagnostics.push(diagnostic(host, 'error', 'PLAN_TC_DUPLICATE_ADDRESS', `${ip} has two limits; the second one is left out`));
      continue;
    }
    for (const peak of ['inboundPeak', 'outboundPeak'] as const) {
      if (b[peak] !== undefined) {
        diagnostics.push(
          diagnostic(
            host,
            'warning',
            'PLAN_TC_PEAK_NOT_HONOURED',
            `${peak} ${b[peak]} of ${ip} is not honoured by tc: HTB classes per address shape to the average rate only`,
          ),
        );
      }
    }
    if (inbound === null && outbound === null) {
      diagnostics.push(diagnostic(host, 'warning', 'PLAN_TC_NO_AVERAGE_RATE', `${ip} has neither inbound nor outbound: tc shapes nothing for it`));
      continue;
    }
    parsed.set(ip, { ip, inbound, outbound, burst });
  }

  const ips = [...parsed.keys()].sort(compareIps);
  const minors = new Map<string, number>();
  const taken = new Set<number>();
  const observedMinor = new Map<string, number>();
  for (const device of previous?.devices ?? []) {
    for (const f of device.tree.filters) {
      const minor = pytinMinor(f.classid);
      if (minor !== null && !observedMinor.has(f.ip)) observedMinor.set(f.ip, minor);
    }
  }
  for (const ip of ips) {
    const minor = observedMinor.get(ip);
    if (minor !== undefined && !taken.has(minor)) {
      minors.set(ip, minor);
      taken.add(minor);
    }
  }
  const size = PYTIN_MINOR_LAST - PYTIN_MINOR_FIRST + 1;
  for (const ip of ips) {
    if (minors.has(ip)) continue;
    if (taken.size >= size) {
      diagnostics.push(diagnostic(host, 'error', 'PLAN_TC_TOO_MANY_ADDRESSES', `${ip} gets no class: all ${size} of pytin's classes on ${host} are used`));
      parsed.delete(ip);
      continue;
    }
    let minor = homeMinor(ip);
    while (taken.has(minor)) minor = minor === PYTIN_MINOR_LAST ? PYTIN_MINOR_FIRST : minor + 1;
    minors.set(ip, minor);
    taken.add(minor);
  }

  const addresses: ShapedAddress[] = ips
    .filter((ip) => parsed.has(ip))
    .map((ip) => {
      const limit = parsed.get(ip)!;
      return { ip, classid: classid(minors.get(ip)!), inboundBitsPerSecond: limit.inbound, outboundBitsPerSecond: limit.outbound, burstBytes: limit.burst };
    });
  return { host, interfaces, addresses, devices: treesFor(interfaces, addresses), diagnostics };
}

/** Every device whose tc tree pytin reads on a host: the shaped interfaces and their ifbs (what
 * the host observer's tcInterfaces must list for the plan to see upload classes). */
export function shapingDevices(shaping: ShapingSpec | undefined): string[] {
  return treesFor(shaping?.interfaces ?? [], []).map((t) => t.device);
}
