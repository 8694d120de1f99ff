import { InternalError } from '../../../../inventory/core/errors.js';
import { shellQuote } from '../../../transports/command-runner.js';
import { checkedUri } from './sink-values.js';

/** `virsh -c URI ARGS...` as a shell command line. Always with an explicit connection: the
 * hypervisor's libvirt.uri from the inventory, never virsh's default. The URI is checked here
 * (libvirt runs programs named in some URIs); every word is shell-quoted, and a NUL, which no
 * argument can carry, is a bug. */
export function virshCommand(uri: string, args: readonly string[]): string {
  for (const arg of args) if (arg.includes('\0')) throw new InternalError(`a virsh argument holds a NUL: ${JSON.stringify(arg.slice(0, 80))}`);
  return ['virsh', '-c', checkedUri(uri), ...args].map(shellQuote).join(' ');
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
