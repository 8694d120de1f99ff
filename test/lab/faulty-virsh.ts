import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { shellQuote } from '../../reconciler/transports/shell-quote.js';

/** What the wrapped virsh does to the call it gets (the real /usr/bin/virsh does the work):
 * - `none`: passes every call through.
 * - `hang`: never answers (a hypervisor whose libvirtd is stuck). The remote `timeout` pytin
 *   puts around its commands, or the lab sshd's stop, ends it.
 * - `truncate-xml`: the real output with every `</domain>` removed (a definition that no XML
 *   parser accepts).
 * - `undefine-after-list`: answers `list` truly, then replaces the test driver's node file with
 *   `replacement`, so the next virsh connection (the dumpxml of each listed domain) no longer
 *   has the domains that `replacement` lacks: a domain undefined between list and dumpxml. */
export type VirshFault =
  { kind: 'none' } | { kind: 'hang' } | { kind: 'truncate-xml' } | { kind: 'undefine-after-list'; nodeFile: string; replacement: string };

export interface FaultyVirsh {
  /** A folder to put first on a lab host's PATH: its `virsh` is the wrapper. */
  bin: string;
  /** Chooses the fault of the calls from now on. */
  set(fault: VirshFault): Promise<void>;
}

/** A wrapper `virsh` earlier on a lab host's PATH than the real one, failing as the test chooses
 * (the fault is read from a file on every call, so one lab host serves every fault). */
export async function installFaultyVirsh(dir: string): Promise<FaultyVirsh> {
  const bin = join(dir, 'faulty-virsh-bin');
  const faultFile = join(dir, 'virsh-fault');
  await mkdir(bin, { recursive: true });
  const script = [
    '#!/bin/sh',
    // Paths in the fault file are the test's temp paths (no white space).
    `read -r fault node replacement < ${shellQuote(faultFile)} || fault=none`,
    'case "$fault" in',
    '  hang) exec sleep 3600 ;;',
    '  truncate-xml) /usr/bin/virsh "$@" | sed \'s#</domain>##\'; exit 0 ;;',
    '  undefine-after-list)',
    '    case " $* " in',
    '      *" list "*) /usr/bin/virsh "$@" || exit $?; cp "$replacement" "$node"; exit 0 ;;',
    '    esac ;;',
    'esac',
    'exec /usr/bin/virsh "$@"',
  ];
  await writeFile(join(bin, 'virsh'), `${script.join('\n')}\n`, { mode: 0o755 });
  const set = async (fault: VirshFault) => {
    const line = fault.kind === 'undefine-after-list' ? `${fault.kind} ${fault.nodeFile} ${fault.replacement}` : fault.kind;
    await writeFile(faultFile, `${line}\n`);
  };
  await set({ kind: 'none' });
  return { bin, set };
}
