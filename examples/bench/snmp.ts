/** `npm run bench:snmp` (as root: it creates a network namespace).
 *
 * One real snmpd in a `pytin-snmp-` namespace serving a kernel neighbour table of 10,000 rows.
 * Measured, several runs each, medians printed:
 * - pytin: GetBulk walk of ipNetToPhysicalPhysAddress + parsing into ArpEntry rows, timed INSIDE
 *   the Node process (performance.now around session open, walk, parse, close; the process start
 *   of ~50 ms is left out, as in a daemon that observes many devices).
 * - reference: `snmpbulkwalk -v2c -c C -On HOST:PORT 1.3.6.1.2.1.4.35.1.4` as a WHOLE PROCESS
 *   (spawn to exit, output read and thrown away), with its default repetitions (10) and with
 *   `-Cr` equal to pytin's repetitions, so both the brief's reference and a like-for-like figure
 *   are shown.
 * - store: the walked rows recorded in a SQLite store (recordDeviceWalk: the facts document, the
 *   ARP table and the IP history) in the same process, timed separately and added to pytin's
 *   figure: walk + parse + store against snmpbulkwalk, as the issue asks.
 * - whole device: pytin's observeDevice (every column it walks, in-process) against snmpbulkwalk
 *   of the same columns (and snmpget of the system group), one whole process each, one after
 *   another, as a script would; the per-process start of snmpbulkwalk is shown apart.
 * pytin's CPU time (process.cpuUsage: every thread, SQLite's included) is printed beside its wall
 * time: on a loaded machine the wall time also counts the moments pytin waited for a core.
 * Each run alternates which side goes first; BENCH_RUNS runs (default 15) and the spread are
 * printed besides the medians: on a shared 2-core machine one run of a 0.1 s walk says little. */
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';

import { DiagnosticSink } from '../../reconciler/observe/snmp/diagnostic-sink.js';
import { arpFromIpNetToPhysical } from '../../reconciler/observe/snmp/extract/extract-arp.js';
import { INTERFACE_COLUMNS } from '../../reconciler/observe/snmp/extract/extract-interfaces.js';
import { LLDP_COLUMNS } from '../../reconciler/observe/snmp/extract/extract-lldp.js';
import { OID } from '../../reconciler/observe/snmp/mib-oids.js';
import { observeDevice } from '../../reconciler/observe/snmp/observe-device.js';
import { recordDeviceWalk } from '../../reconciler/store/facts/device-store.js';
import { openStore, type Store } from '../../reconciler/store/open-store.js';
import { bulkWalk, DEFAULT_MAX_REPETITIONS } from '../../reconciler/transports/snmp/bulk-walk.js';
import { openSession } from '../../reconciler/transports/snmp/snmp-session.js';
import { makeTempDir } from '../../test/lab/daemon.js';
import { addNeighbours, createNetns, manyIpv4Neighbours } from '../../test/lab/netns.js';
import { startSnmpd } from '../../test/lab/snmpd.js';

const ROWS = 10_000;
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const COMMUNITY = 'bench';
const GOAL_RATIO = 1.25;
const TIMEOUT_MS = 10_000;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** CPU time of this process (every thread: SQLite works on libuv's pool) since `since`, in ms. */
function cpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

async function pytinWalk(
  host: string,
  port: number,
  store: Store,
): Promise<{ ms: number; storeMs: number; walkCpuMs: number; storeCpuMs: number; rows: number }> {
  const started = performance.now();
  const startedCpu = process.cpuUsage();
  const session = openSession({ version: '2c', host, port, community: COMMUNITY, timeoutMs: TIMEOUT_MS, retries: 1 });
  let arp: ReturnType<typeof arpFromIpNetToPhysical>;
  try {
    const walk = await bulkWalk(session, OID.ipNetToPhysicalPhysAddress, { maxRepetitions: DEFAULT_MAX_REPETITIONS, maxRows: 1_000_000 });
    if (walk.end !== 'complete') throw new Error(`pytin walk ended ${walk.end}: ${walk.failure?.message ?? ''}`);
    arp = arpFromIpNetToPhysical(walk.varbinds, new DiagnosticSink('device/bench'));
  } finally {
    session.close();
  }
  const walked = performance.now();
  const walkCpuMs = cpuMs(startedCpu);
  const walkedCpu = process.cpuUsage();
  const at = Date.now();
  await recordDeviceWalk(store, {
    device: 'bench',
    startedAt: at,
    finishedAt: at,
    facts: {
      system: { sysName: 'bench', sysDescr: null, sysObjectID: null, sysUpTime: 0 },
      interfaces: [],
      arp: arp.map((a) => ({ ifIndex: a.ifIndex, ip: a.ip, mac: a.mac })),
      fdb: [],
      lldp: [],
    },
  });
  const stored = performance.now();
  return { ms: walked - started, storeMs: stored - walked, walkCpuMs, storeCpuMs: cpuMs(walkedCpu), rows: arp.length };
}

async function referenceWalk(
  host: string,
  port: number,
  repetitions?: number,
  oid: string = OID.ipNetToPhysicalPhysAddress,
): Promise<{ ms: number; rows: number }> {
  // A long timeout on both sides: on a loaded machine snmpd's old ARP table can take over a
  // second per GetBulk, and a retried request would measure the retry, not the walk.
  const args = [
    ...(repetitions ? [`-Cr${repetitions}`] : []),
    '-t',
    String(TIMEOUT_MS / 1000),
    '-r',
    '1',
    '-v2c',
    '-c',
    COMMUNITY,
    '-On',
    `${host}:${port}`,
    oid,
  ];
  return referenceProcess('snmpbulkwalk', args);
}

/** One net-snmp tool as a whole process: spawn to exit, its output lines counted. */
function referenceProcess(tool: 'snmpbulkwalk' | 'snmpget', args: readonly string[]): Promise<{ ms: number; rows: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let rows = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      for (const byte of chunk) if (byte === 10) rows++;
    });
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve({ ms: performance.now() - started, rows }) : reject(new Error(`${tool} exited ${code}`))));
  });
}

/** The columns observeDevice walks on this agent, in its order (observe-device.ts): interfaces,
 * both ARP tables, the bridge port map, the Q-BRIDGE forwarding table and then either its VLAN
 * map (when it has rows) or the BRIDGE-MIB table, and LLDP. */
function columnsObserveDeviceWalks(dot1qRows: number): string[] {
  return [
    ...INTERFACE_COLUMNS.map((c) => OID[c]),
    OID.ipNetToPhysicalPhysAddress,
    OID.ipNetToMediaPhysAddress,
    OID.dot1dBasePortIfIndex,
    OID.dot1qTpFdbPort,
    dot1qRows > 0 ? OID.dot1qVlanFdbId : OID.dot1dTpFdbPort,
    ...LLDP_COLUMNS.map((c) => OID[c]),
  ];
}

/** snmpget of the system group and snmpbulkwalk of each column, one process after another. */
async function referenceDevice(host: string, port: number, columns: readonly string[]): Promise<{ ms: number; rows: number }> {
  const started = performance.now();
  let rows = (
    await referenceProcess('snmpget', [
      '-t',
      String(TIMEOUT_MS / 1000),
      '-r',
      '1',
      '-v2c',
      '-c',
      COMMUNITY,
      '-On',
      `${host}:${port}`,
      OID.sysDescr,
      OID.sysObjectID,
      OID.sysUpTime,
      OID.sysName,
    ])
  ).rows;
  for (const oid of columns) rows += (await referenceWalk(host, port, DEFAULT_MAX_REPETITIONS, oid)).rows;
  return { ms: performance.now() - started, rows };
}

function spread(values: readonly number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  return `min ${sorted[0]!.toFixed(1)}, max ${sorted.at(-1)!.toFixed(1)}`;
}

/** The 1, 5 and 15-minute load averages: on a shared machine a figure means little without them. */
function loadAverages(): string {
  return loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
}

async function main(): Promise<void> {
  const loadAtStart = loadAverages();
  const netns = await createNetns();
  let snmpd: Awaited<ReturnType<typeof startSnmpd>> | undefined;
  const storeDir = await makeTempDir('bench-store');
  const store = await openStore(`${storeDir.path}/store.sqlite`);
  try {
    await addNeighbours(netns, manyIpv4Neighbours(ROWS));
    snmpd = await startSnmpd({ netns, port: 1161, community: COMMUNITY });
    const { host, port } = snmpd;
    // Warm-up: snmpd's neighbour cache, Node's JIT.
    await pytinWalk(host, port, store);
    await referenceWalk(host, port);
    const pytin: number[] = [];
    const pytinWithStore: number[] = [];
    const storeTimes: number[] = [];
    const walkCpu: number[] = [];
    const storeCpu: number[] = [];
    const reference: number[] = [];
    const referenceSameReps: number[] = [];
    let pytinRows = 0;
    let referenceRows = 0;
    const dot1qRows = (await referenceWalk(host, port, DEFAULT_MAX_REPETITIONS, OID.dot1qTpFdbPort)).rows;
    const columns = columnsObserveDeviceWalks(dot1qRows);
    const wholeTarget = { version: '2c' as const, host, port, community: COMMUNITY, timeoutMs: TIMEOUT_MS, retries: 1 };
    const wholePytin: number[] = [];
    const wholeReference: number[] = [];
    const processStart: number[] = [];
    let wholeArp = 0;
    for (let run = 0; run < RUNS; run++) {
      // Alternate the order, so neither side always finds snmpd's caches warm.
      const sides = [
        async () => {
          const p = await pytinWalk(host, port, store);
          pytin.push(p.ms);
          storeTimes.push(p.storeMs);
          walkCpu.push(p.walkCpuMs);
          storeCpu.push(p.storeCpuMs);
          pytinWithStore.push(p.ms + p.storeMs);
          pytinRows = p.rows;
        },
        async () => {
          const r = await referenceWalk(host, port);
          reference.push(r.ms);
          referenceRows = r.rows;
          referenceSameReps.push((await referenceWalk(host, port, DEFAULT_MAX_REPETITIONS)).ms);
        },
        async () => {
          const started = performance.now();
          const whole = await observeDevice(wholeTarget);
          wholePytin.push(performance.now() - started);
          const errors = whole.diagnostics.filter((d) => d.severity === 'error');
          if (errors.length > 0) throw new Error(`observeDevice: ${errors.map((d) => `${d.code} ${d.summary}`).join('; ')}`);
          wholeArp = whole.arp.length;
        },
        async () => {
          wholeReference.push((await referenceDevice(host, port, columns)).ms);
          // An empty column: what one snmpbulkwalk process costs besides its walk.
          processStart.push((await referenceWalk(host, port, DEFAULT_MAX_REPETITIONS, OID.lldpRemSysName)).ms);
        },
      ];
      for (const side of run % 2 === 0 ? sides : [sides[1]!, sides[0]!, sides[3]!, sides[2]!]) await side();
    }
    if (pytinRows !== referenceRows) throw new Error(`row counts differ: pytin ${pytinRows}, snmpbulkwalk ${referenceRows}`);
    const p = median(pytin);
    const ps = median(pytinWithStore);
    const r = median(reference);
    const s = median(referenceSameReps);
    const line = (label: string, ms: number) => `  ${label.padEnd(64)} ${ms.toFixed(1).padStart(8)} ms`;
    process.stdout.write(
      [
        `SNMP walk of a ${pytinRows}-row ipNetToPhysicalTable from snmpd in namespace ${netns.name}, median of ${RUNS} runs`,
        line(`pytin bulkWalk + parse, in-process (maxRepetitions ${DEFAULT_MAX_REPETITIONS})`, p),
        line('snmpbulkwalk -v2c -On, whole process (default repetitions 10)', r),
        line(`snmpbulkwalk -Cr${DEFAULT_MAX_REPETITIONS} -v2c -On, whole process`, s),
        line('pytin store of the same rows (facts, ARP table, IP history), in-process', median(storeTimes)),
        line('pytin walk + parse + store', ps),
        line('  pytin CPU time (all threads): walk + parse', median(walkCpu)),
        line('  pytin CPU time (all threads): store', median(storeCpu)),
        `  ratio pytin walk+parse+store / snmpbulkwalk (default): ${(ps / r).toFixed(2)}x  (goal <= ${GOAL_RATIO}x: ${ps / r <= GOAL_RATIO ? 'met' : 'NOT met'})`,
        `  ratio pytin walk+parse / snmpbulkwalk (default):       ${(p / r).toFixed(2)}x`,
        `  ratio pytin / snmpbulkwalk (same repetitions): ${(p / s).toFixed(2)}x`,
        `  spread (ms): pytin walk+parse+store ${spread(pytinWithStore)}; snmpbulkwalk ${spread(reference)}`,
        `Whole device: every column observeDevice walks (${columns.length} columns, ${wholeArp} ARP rows, both ARP tables), median of ${RUNS} runs`,
        line('pytin observeDevice, in-process (walk + parse of every section)', median(wholePytin)),
        line(`snmpget system + snmpbulkwalk -Cr${DEFAULT_MAX_REPETITIONS} of each column, whole processes`, median(wholeReference)),
        line(`  of which process starts: ${columns.length + 1} x one snmpbulkwalk of an empty column`, (columns.length + 1) * median(processStart)),
        `  ratio pytin observeDevice / snmpbulkwalk of the same columns: ${(median(wholePytin) / median(wholeReference)).toFixed(2)}x  (goal <= ${GOAL_RATIO}x: ${median(wholePytin) / median(wholeReference) <= GOAL_RATIO ? 'met' : 'NOT met'})`,
        `  spread (ms): pytin ${spread(wholePytin)}; reference ${spread(wholeReference)}`,
        `load average at the start: ${loadAtStart}; at the end: ${loadAverages()} (the wall times count waiting for a core; the CPU times less so)`,
        '',
      ].join('\n'),
    );
  } finally {
    await store.close();
    await storeDir.remove();
    await snmpd?.stop();
    await netns.remove();
  }
}

await main();
