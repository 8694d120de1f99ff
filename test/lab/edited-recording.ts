import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** One ARP row as a real agent lists it in ipNetToMediaTable (all four columns, type dynamic). */
export function arpRecords(ifIndex: number, ip: string, mac: string): string[] {
  const index = `${ifIndex}.${ip}`;
  const hexIp = ip
    .split('.')
    .map((o) => Number(o).toString(16).padStart(2, '0'))
    .join('');
  return [
    `1.3.6.1.2.1.4.22.1.1.${index}|2|${ifIndex}`,
    `1.3.6.1.2.1.4.22.1.2.${index}|4x|${mac.replaceAll(':', '')}`,
    `1.3.6.1.2.1.4.22.1.3.${index}|64x|${hexIp}`,
    `1.3.6.1.2.1.4.22.1.4.${index}|2|3`,
  ];
}

/** One IPv4 neighbour as a real agent lists it in ipNetToPhysicalTable (index
 * ifIndex.ipv4(1).4.a.b.c.d; columns PhysAddress, LastUpdated, Type, State, RowStatus). `type` is
 * an IpNetToPhysicalType (invalid(2), dynamic(3), ...), `state` a neighbour state (reachable(1),
 * invalid(5), ...). */
export function neighbourRecords(ifIndex: number, ip: string, mac: string, type: number, state: number): string[] {
  const index = `${ifIndex}.1.4.${ip}`;
  return [
    `1.3.6.1.2.1.4.35.1.4.${index}|4x|${mac.replaceAll(':', '')}`,
    `1.3.6.1.2.1.4.35.1.5.${index}|67|433300`,
    `1.3.6.1.2.1.4.35.1.6.${index}|2|${type}`,
    `1.3.6.1.2.1.4.35.1.7.${index}|2|${state}`,
    `1.3.6.1.2.1.4.35.1.8.${index}|2|1`,
  ];
}

/** One forwarding-table row as a real agent lists it in dot1dTpFdbTable (learned on a bridge port). */
export function fdbRecords(mac: string, bridgePort: number): string[] {
  const index = mac
    .split(':')
    .map((h) => parseInt(h, 16))
    .join('.');
  return [
    `1.3.6.1.2.1.17.4.3.1.1.${index}|4x|${mac.replaceAll(':', '')}`,
    `1.3.6.1.2.1.17.4.3.1.2.${index}|2|${bridgePort}`,
    `1.3.6.1.2.1.17.4.3.1.3.${index}|2|3`,
  ];
}

const arcs = (line: string) => line.slice(0, line.indexOf('|')).split('.').map(Number);
function compareOids(a: string, b: string): number {
  const x = arcs(a);
  const y = arcs(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

const oidOf = (record: string) => record.slice(0, record.indexOf('|'));
const inSubtree = (record: string, subtree: string) => oidOf(record).startsWith(`${subtree}.`);

async function recordingLines(fixturesDir: string, from: string): Promise<string[]> {
  const { stdout } = await run('bzcat', [join(fixturesDir, `${from}.snmprec.bz2`)], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return stdout.split('\n').filter((l) => l !== '');
}

/** The records (`OID|TYPE|VALUE`, comments left out) of a recording in `fixturesDir`. */
export async function recordingRecords(fixturesDir: string, from: string): Promise<string[]> {
  return (await recordingLines(fixturesDir, from)).filter((l) => !l.startsWith('#'));
}

/** `records` in OID order, as snmpsim expects, after the `comments`, written as `as.snmprec.bz2`
 * in `outDir` for startSnmpsim (`as` is the community, e.g. `sw@100` for one VLAN's context on a
 * Cisco). */
export async function writeRecording(outDir: string, as: string, records: readonly string[], comments: readonly string[] = []): Promise<void> {
  const sorted = [...records].sort(compareOids);
  const plain = join(outDir, `${as}.snmprec`);
  await writeFile(plain, `${[...comments, ...sorted].join('\n')}\n`);
  await run('bzip2', ['-f', plain]);
}

/** A recorded real device with rows added (what the device would show once these neighbours and
 * MACs appear), written as `as.snmprec.bz2` in `outDir` for startSnmpsim. The recording's own rows
 * are kept as recorded, except the subtrees in `replaced` (whose rows `added` then gives anew);
 * the result is in OID order, as snmpsim expects. */
export async function writeEditedRecording(
  fixturesDir: string,
  from: string,
  outDir: string,
  as: string,
  added: readonly string[],
  replaced: readonly string[] = [],
): Promise<void> {
  const lines = await recordingLines(fixturesDir, from);
  const comments = lines.filter((l) => l.startsWith('#'));
  const recorded = lines.filter((l) => !l.startsWith('#') && !replaced.some((subtree) => inSubtree(l, subtree)));
  const taken = new Set(recorded.map(oidOf));
  const clash = added.find((a) => taken.has(oidOf(a)));
  if (clash !== undefined) throw new Error(`the recording already has ${oidOf(clash)}`);
  await writeRecording(outDir, as, [...recorded, ...added], comments);
}
