/** A snmpd `pass_persist` handler serving crafted rows, for fault tests: a real agent answering
 * what a broken device would. Run by snmpd as `node snmp-crafted-table.js ROWS.json`.
 *
 * ROWS.json is a list of `{oid, type, value}` (pass_persist types: integer, octet, string, ...)
 * in SERVING order: GETNEXT on a listed OID answers the next one in the list, whatever its
 * OID, so a list that goes back makes an agent whose OIDs do not increase. GETNEXT on any
 * other OID answers the first listed OID greater than it. With a second argument `wrap`, GETNEXT
 * on the last row answers the first one again: an agent that loops forever. With `die-after=N`,
 * once it has answered row N (0-based) it kills the snmpd that runs it (its parent, which the test
 * started): an agent that dies in the middle of a walk, at a point the walk itself reaches. */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

interface Row {
  oid: string;
  type: string;
  value: string;
}

const rows = JSON.parse(readFileSync(process.argv[2] as string, 'utf8')) as Row[];
const arcs = (oid: string) => oid.replace(/^\./, '').split('.').map(Number);
const compare = (a: number[], b: number[]) => {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return a.length - b.length;
};
const modes = process.argv.slice(3);
const wrap = modes.includes('wrap');
const dieAfter = modes.find((m) => m.startsWith('die-after='));
const dieAfterRow = dieAfter === undefined ? undefined : Number(dieAfter.slice('die-after='.length));

/** Kills the parent snmpd, and only an snmpd: never some other process. */
function killAgent(): void {
  const parent = readFileSync(`/proc/${process.ppid}/comm`, 'utf8').trim();
  if (parent !== 'snmpd') {
    process.stderr.write(`snmp-crafted-table: parent is ${parent}, not snmpd; not killing it\n`);
    process.exit(1);
  }
  process.kill(process.ppid, 'SIGKILL');
}
const position = new Map(rows.map((row, i) => [row.oid.replace(/^\./, ''), i]));

function answer(row: Row | undefined): string {
  return row ? `.${row.oid.replace(/^\./, '')}\n${row.type}\n${row.value}\n` : 'NONE\n';
}

function getNext(oid: string): Row | undefined {
  const at = position.get(oid);
  if (at !== undefined) return rows[at + 1] ?? (wrap ? rows[0] : undefined);
  const wanted = arcs(oid);
  return rows.find((row) => compare(arcs(row.oid), wanted) > 0);
}

const lines = createInterface({ input: process.stdin });
let pending: 'get' | 'getnext' | 'set' | undefined;
lines.on('line', (line) => {
  const text = line.trim();
  if (pending) {
    const oid = text.replace(/^\./, '');
    const verb = pending;
    pending = undefined;
    if (verb === 'get') process.stdout.write(answer(rows[position.get(oid) ?? -1]));
    else if (verb === 'getnext') {
      const row = getNext(oid);
      process.stdout.write(answer(row));
      if (dieAfterRow !== undefined && row !== undefined && rows.indexOf(row) >= dieAfterRow) killAgent();
    } else process.stdout.write('not-writable\n');
    return;
  }
  if (text === 'PING') process.stdout.write('PONG\n');
  else if (text === 'get' || text === 'getnext' || text === 'set') pending = text;
  else if (text === '') process.exit(0);
});
lines.on('close', () => process.exit(0));
