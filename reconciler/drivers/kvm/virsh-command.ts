import { shellQuote } from '../../transports/command-runner.js';

/** `virsh -c URI ARGS...` as a shell command line. Always with an explicit connection: the
 * hypervisor's libvirt.uri from the inventory, never virsh's default. */
export function virshCommand(uri: string, args: readonly string[]): string {
  return ['virsh', '-c', uri, ...args].map(shellQuote).join(' ');
}

/** virsh's message when the named domain does not exist ("failed to get domain 'x'"), as opposed
 * to a connection failure ("failed to connect to the hypervisor"). */
export function isDomainMissing(stderr: string): boolean {
  return /failed to get domain|domain not found/i.test(stderr);
}

/** virsh's message when a storage volume does not exist. */
export function isVolumeMissing(stderr: string): boolean {
  return /failed to get vol|storage volume not found/i.test(stderr);
}

/** `--inbound`/`--outbound` argument of domiftune: `average,peak,burst`; `0` clears the limit. */
export function domiftuneRate(limit: { average: number; peak: number | null; burst: number | null } | null): string {
  if (!limit) return '0';
  return [limit.average, limit.peak ?? 0, limit.burst ?? 0].join(',');
}
