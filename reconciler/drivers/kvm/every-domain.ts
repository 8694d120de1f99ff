import { shellQuote } from '../../transports/shell-quote.js';
import { checkedUri } from './apply/sink-values.js';

/** One remote command that runs `subcommands` for every domain of the host in ONE virsh
 * connection: list the UUIDs (safe words, unlike names), then `echo MARKER uuid; <subcommands>`
 * for each — one round trip, and one libvirt connection (which also keeps the test driver's
 * in-memory state consistent). `{uuid}` in a subcommand is the domain's UUID. Without a URI,
 * virsh's own default connection. A domain undefined between the list and its subcommands shows
 * as a section without their output, wherever it is listed. */
export function everyDomainScript(uri: string | undefined, marker: string, subcommands: readonly string[]): string {
  const connect = uri ? `-c ${shellQuote(checkedUri(uri))}` : '';
  const perDomain = subcommands.map((c) => `${c.replaceAll('{uuid}', '$u')};`).join(' ');
  return [
    `uuids=$(virsh ${connect} list --all --uuid) || exit $?`,
    'cmds=',
    `for u in $uuids; do cmds="$cmds echo ${marker} $u; ${perDomain}"; done`,
    '[ -n "$cmds" ] || exit 0',
    // virsh exits with the status of a batch's LAST command: without the closing `echo` (an empty
    // line in the last section) a domain undefined meanwhile failed the whole command when it
    // happened to be listed last, and only then. A failed connection still fails the batch.
    `exec virsh ${connect} "$cmds echo"`,
  ].join('\n');
}

/** The output of such a script, one section per `MARKER uuid` line, in order. */
export function markedSections(stdout: string, marker: string): Array<{ uuid: string; lines: string[] }> {
  const sections: Array<{ uuid: string; lines: string[] }> = [];
  for (const line of stdout.split('\n')) {
    if (line.startsWith(`${marker} `)) sections.push({ uuid: line.slice(marker.length + 1).trim(), lines: [] });
    else sections[sections.length - 1]?.lines.push(line);
  }
  return sections;
}
