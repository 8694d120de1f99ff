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

/** Words virsh's own command-line parser reads as they are: no quote, backslash, blank, `;` or
 * `#`. Domain names and UUIDs, flags and markers are such words. */
const PLAIN_VIRSH_WORD = /^[A-Za-z0-9_.:/=@+-]+$/;

/** Several virsh commands in ONE virsh process, so one libvirt connection and one start of virsh
 * (most of a command's cost on a hypervisor): `virsh -c URI 'a x; b y'`, the `;`-separated command
 * line virsh reads itself. virsh runs every command even after one fails and exits with the last
 * one's status, so only reads belong here, or commands harmless after an earlier one failed
 * (runVirshLine says which). Every word must be a plain word (anything else is a
 * bug: nothing is quoted for virsh's parser); the line as a whole is shell-quoted. */
export function virshCommands(uri: string, commands: ReadonlyArray<readonly string[]>): string {
  for (const word of commands.flat()) if (!PLAIN_VIRSH_WORD.test(word)) throw new InternalError(`not a plain virsh word: ${JSON.stringify(word.slice(0, 80))}`);
  return ['virsh', '-c', checkedUri(uri), commands.map((c) => c.join(' ')).join('; ')].map(shellQuote).join(' ');
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
