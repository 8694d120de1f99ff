import { randomBytes } from 'node:crypto';

import { type CommandRunner, shellQuote } from '../../transports/command-runner.js';
import { parseTcListing, type TcListing } from './parse-tc.js';
import type { TcFacts, TcInterfaceFacts } from './tc-facts.js';
import { tcDevice } from './tc-words.js';

/** The listings apply needs per device. pytin's filters hang off the root qdisc and the ingress
 * qdisc, never off classes, so the per-class filter listings of the host observer are not needed
 * here. */
const LISTINGS: readonly { section: string; listing: TcListing; args: string }[] = [
  { section: 'qdisc', listing: 'qdisc', args: 'qdisc show dev' },
  { section: 'class', listing: 'class', args: 'class show dev' },
  { section: 'filter', listing: 'filter', args: 'filter show dev' },
  { section: 'ingress', listing: 'filter', args: 'filter show ingress dev' },
];

/**
 * Reads the tc trees of devices on a host through its CommandRunner, in one command, into the
 * host observer's TcFacts shape (parsed by its parse-tc.ts). A device that does not exist reads as
 * empty: an ifb pytin has not created yet. Any other failure is a message, not facts.
 */
export async function readTcFacts(runner: CommandRunner, devices: readonly string[], timeoutMs = 60_000): Promise<TcFacts | string> {
  const marker = `pytin-tc-${randomBytes(6).toString('hex')}`;
  const script = devices
    .flatMap((dev) =>
      LISTINGS.map(
        ({ section, args }) => `echo '${marker} ${section} '${shellQuote(tcDevice(dev))}; tc -j ${args} ${shellQuote(dev)} 2>&1; echo "${marker} rc $?"`,
      ),
    )
    .join('\n');
  const result = await runner.run(script, { timeoutMs });
  if (result.exitCode !== 0) return `reading tc on ${runner.host} failed (exit ${result.exitCode}): ${result.stderr.trim().slice(0, 300)}`;
  const byDevice = new Map<string, TcInterfaceFacts>(devices.map((d) => [d, { device: d, qdiscs: [], classes: [], filters: [] }]));
  let current: { section: string; dev: string; lines: string[] } | null = null;
  const problems: string[] = [];
  for (const line of result.stdout.split('\n')) {
    if (line.startsWith(`${marker} rc `) && current) {
      const rc = Number(line.slice(marker.length + 4));
      const text = current.lines.join('\n');
      const facts = byDevice.get(current.dev)!;
      if (rc !== 0) {
        if (!/Cannot find device/.test(text)) problems.push(`tc ${current.section} of ${current.dev}: ${text.trim().slice(0, 200)}`);
      } else {
        const listing = LISTINGS.find((l) => l.section === current!.section)!.listing;
        try {
          const objects = parseTcListing(listing, text);
          if (listing === 'qdisc') facts.qdiscs.push(...objects);
          else if (listing === 'class') facts.classes.push(...objects);
          else facts.filters.push(...objects);
        } catch (error) {
          problems.push(`tc ${current.section} of ${current.dev}: ${(error as Error).message}`);
        }
      }
      current = null;
    } else if (line.startsWith(`${marker} `)) {
      const [section = '', dev = ''] = line.slice(marker.length + 1).split(' ');
      current = { section, dev, lines: [] };
    } else current?.lines.push(line);
  }
  if (problems.length > 0) return problems.join('; ');
  return { interfaces: devices.map((d) => byDevice.get(d)!) };
}
