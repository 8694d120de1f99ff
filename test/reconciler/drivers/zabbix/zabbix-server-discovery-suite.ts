import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test as nodeTest } from 'node:test';

import type { ZabbixClient } from '../../../../reconciler/transports/zabbix/zabbix-client.js';
import { waitFor } from '../../../lab/daemon.js';
import { snmpFixturesDir } from '../../../lab/snmp-fixtures.js';
import { type Snmpsim, startSnmpsim } from '../../../lab/snmpsim.js';
import { type LabZabbix, startLabZabbix, type ZabbixGeneration } from '../../../lab/zabbix.js';
import { frontendGraphLegend } from '../../../lab/zabbix-frontend-graph.js';
import { type LabZabbixServer, startLabZabbixServer } from '../../../lab/zabbix-server.js';
import { LAB_SWITCH_TEMPLATE, LAB_ZABBIX_PASSWORD, type PublishLab, publishLab } from './zabbix-publish-lab.js';

// Issue 11: pytin publishes the lab's switches (their SNMP agents are snmpsim serving recordings of
// real switches) with the lab's switch template, a real zabbix_server discovers their interfaces,
// and the graph widgets pytin wrote into its dashboards select exactly the discovered traffic items
// of each cabled port, the way the generation's graph widget finds them. Each generation's test
// file registers the same cases; one Zabbix, one snmpsim and one server for the file; the tests
// build on each other.

/** The recording each lab switch is served from (snmpsim's community is the recording's name). */
const RECORDING_OF: Record<string, string> = { 'sw-r01': 'cisco-c3750', 'sw-r02': 'dlink-des3200' };
/** The keys of a port's traffic items in the lab's switch template of each generation: 6.0's
 * "Interfaces by SNMP" reads the 64-bit counters, 7.0's "Network Generic Device by SNMP" the 32-bit
 * ones (data.sql of each). */
const TRAFFIC_KEYS: Record<ZabbixGeneration, (ifIndex: number) => [string, string]> = {
  '6.0': (i) => [`net.if.in[ifHCInOctets.${i}]`, `net.if.out[ifHCOutOctets.${i}]`],
  '7.0': (i) => [`net.if.in[ifInOctets.${i}]`, `net.if.out[ifOutOctets.${i}]`],
};
/** The item field a dashboard's graph widget matches its item patterns against: 6.0's
 * CSvgGraphHelper::getMetrics searches `name`; 7.0's getMetricsPattern searches `name_resolved`
 * (the name with macros resolved, item_rtname) on a dashboard that is not a template's. */
const GRAPH_ITEM_FIELD: Record<ZabbixGeneration, 'name' | 'name_resolved'> = { '6.0': 'name', '7.0': 'name_resolved' };
/** The real zabbix_server discovery cases against a lab Zabbix of `generation`. Test titles start
 * with the generation. */
export function registerZabbixServerDiscoverySuite(generation: ZabbixGeneration): void {
  // node:test runs registered tests in order; the promise test() returns is the runner's to await.
  const test = (name: string, fn: () => Promise<void>): void => void nodeTest(`${generation}: ${name}`, fn);
  /** Safety net for each wait on the server; every wait ends as soon as what it waits for is seen. */
  const WAIT_MS = 120_000;
  /** How often an unanswered "check now" is asked again: the server drops one for an item its
   * configuration cache does not hold yet. */
  const RECHECK_MS = 10_000;

  let zabbix: LabZabbix | undefined;
  let snmpsim: Snmpsim | undefined;
  let lab: PublishLab | undefined;
  let server: LabZabbixServer | undefined;
  let client: ZabbixClient | undefined;

  before(async () => {
    zabbix = await startLabZabbix(generation);
    snmpsim = await startSnmpsim(snmpFixturesDir(), Object.values(RECORDING_OF));
    lab = await publishLab(zabbix);
    lab.env.PYTIN_SECRET_SW_R01_COMMUNITY = RECORDING_OF['sw-r01']!;
    lab.env.PYTIN_SECRET_SW_R02_COMMUNITY = RECORDING_OF['sw-r02']!;
    // Only the switches keep their template (the publish lab's own): the lab's ICMP Ping on
    // hypervisors and VMs would have the server ping addresses (198.51.100.0/24, 203.0.113.0/24) that
    // are not on this machine.
    lab.commit('zabbix.yaml', (text) => text.replace(/templates:\n(?: {2}.*\n)+/, `templates:\n  switch: [${LAB_SWITCH_TEMPLATE[generation]}]\n`));
    const port = String(snmpsim.port);
    lab.commit('network/switches.yaml', (text) => text.replace('port: 16101', `port: ${port}`).replace('port: 16102', `port: ${port}`));
    await lab.publish();
    server = await startLabZabbixServer(zabbix);
    client = await lab.admin();
  });

  after(async () => {
    // The server before PostgreSQL: it must not lose its database while it flushes its history.
    await client?.close();
    await server?.stop();
    await snmpsim?.stop();
    await lab?.remove();
    await zabbix?.stop();
  });

  interface ReadItem {
    itemid: string;
    hostid: string;
    name: string;
    key_: string;
    flags: string;
  }

  async function switchHostIds(): Promise<Map<string, string>> {
    const hosts = await client!.call<Array<{ hostid: string; host: string }>>('host.get', {
      output: ['hostid', 'host'],
      filter: { host: Object.keys(RECORDING_OF) },
    });
    return new Map(hosts.map((h) => [h.host, h.hostid]));
  }

  /** The items discovery created on a host (flags 4, ZBX_FLAG_DISCOVERY_CREATED). */
  async function discoveredItems(hostid: string): Promise<ReadItem[]> {
    return client!.call<ReadItem[]>('item.get', { output: ['itemid', 'hostid', 'name', 'key_', 'flags'], hostids: [hostid], filter: { flags: '4' } });
  }

  /** "Check now" (task.create, ZBX_TM_TASK_CHECK_NOW) on items or LLD rules. */
  async function checkNow(itemids: readonly string[]): Promise<void> {
    await client!.call(
      'task.create',
      itemids.map((itemid) => ({ type: '6', request: { itemid } })),
    );
  }

  /** Waits for `seen`, asking the server to check `itemids` now at the start and again every
   * RECHECK_MS while it is not seen; ends at once if the server exits. */
  async function checkNowUntil(what: string, itemids: readonly string[], seen: () => Promise<boolean>): Promise<void> {
    let asked = 0;
    await waitFor(
      what,
      async () => {
        if (Date.now() - asked >= RECHECK_MS) {
          asked = Date.now();
          await checkNow(itemids);
        }
        return seen();
      },
      { timeoutMs: WAIT_MS, intervalMs: 1000, daemon: server!.daemon },
    ).catch(async (error: Error) => {
      throw new Error(`${error.message}\nzabbix_server's log ends with:\n${await server!.logTail()}`);
    });
  }

  /** ifName -> ifIndex of a recording, as net-snmp's snmpbulkwalk read it from the same recording. */
  function ifIndexByName(recording: string): Map<string, number> {
    const expected = JSON.parse(readFileSync(join(snmpFixturesDir(), `${recording}.expected.json`), 'utf8')) as {
      interfaces: Array<{ ifIndex: number; ifName: string }>;
    };
    return new Map(expected.interfaces.map((i) => [i.ifName, i.ifIndex]));
  }

  test("check now on each switch's interface discovery rule: the real zabbix_server creates the recorded ports' traffic items", async () => {
    // The server of the generation under test polls (7.0: the chroot's, not this machine's 6.0).
    assert.ok(server!.version.startsWith(`${generation}.`), `zabbix_server ${server!.version} is not ${generation}`);
    const hostIds = await switchHostIds();
    assert.deepEqual([...hostIds.keys()].sort(), Object.keys(RECORDING_OF).sort());
    const rules = await client!.call<Array<{ itemid: string; hostid: string }>>('discoveryrule.get', {
      output: ['itemid', 'hostid'],
      hostids: [...hostIds.values()],
      filter: { key_: 'net.if.discovery' },
    });
    assert.equal(rules.length, hostIds.size, 'the template gives each switch its interface discovery rule');
    await checkNowUntil(
      'discovered interface items on every switch',
      rules.map((r) => r.itemid),
      async () => {
        for (const hostid of hostIds.values()) if ((await discoveredItems(hostid)).length === 0) return false;
        return true;
      },
    );
    for (const [host, hostid] of hostIds) {
      const items = await discoveredItems(hostid);
      const keys = new Set(items.map((i) => i.key_));
      // Every recorded port the inventory names has its traffic item: discovery read the agent.
      for (const [ifName, ifIndex] of ifIndexByName(RECORDING_OF[host]!)) {
        if (/^(Gi\d|\d+$)/.test(ifName)) assert.ok(keys.has(TRAFFIC_KEYS[generation](ifIndex)[0]), `${host}: ${ifName} (ifIndex ${ifIndex}) discovered`);
      }
    }
  });

  interface GraphDataSet {
    hosts: string[];
    items: string[];
  }

  /** A graph widget's data sets from its fields, in 6.0's names (`ds.hosts.<set>.<n>`) or 7.0's
   * (`ds.<set>.hosts.<n>`). */
  function dataSetsOf(fields: ReadonlyArray<{ name: string; value: string }>): GraphDataSet[] {
    const sets: GraphDataSet[] = [];
    for (const f of fields) {
      const match = /^ds\.(?:(hosts|items)\.(\d+)|(\d+)\.(hosts|items))\.\d+$/.exec(f.name);
      if (!match) continue;
      const set = (sets[Number(match[2] ?? match[3])] ??= { hosts: [], items: [] });
      set[(match[1] ?? match[4]) as 'hosts' | 'items'].push(f.value);
    }
    return sets;
  }

  /** The items a graph data set shows, found the way Zabbix 6.0's graph widget finds them
   * (CSvgGraphHelper::getMetrics): hosts whose visible name matches a host pattern, then their
   * numeric items whose name matches an item pattern, `*` a wildcard, case-insensitive. */
  async function itemsTheGraphShows(set: GraphDataSet): Promise<ReadItem[]> {
    const hosts = await client!.call<Array<{ hostid: string }>>('host.get', {
      output: ['hostid'],
      search: { name: set.hosts },
      searchWildcardsEnabled: true,
      searchByAny: true,
    });
    if (hosts.length === 0) return [];
    return client!.call<ReadItem[]>('item.get', {
      output: ['itemid', 'hostid', 'name', 'key_', 'flags'],
      hostids: hosts.map((h) => h.hostid),
      webitems: true,
      // ITEM_VALUE_TYPE_FLOAT, ITEM_VALUE_TYPE_UINT64: what a graph can draw.
      filter: { value_type: ['0', '3'] },
      search: { [GRAPH_ITEM_FIELD[generation]]: set.items },
      searchWildcardsEnabled: true,
      searchByAny: true,
      sortfield: 'name',
      sortorder: 'ASC',
      limit: 50,
    });
  }

  /** Every data set of pytin's dashboards that graphs a switch port: which switch and port, from the
   * widget's name ("<server>: switch ports") and the inventory's cabling. */
  async function switchPortDataSets(): Promise<Array<{ board: string; widget: string; set: GraphDataSet }>> {
    const boards = await client!.call<
      Array<{ name: string; pages: Array<{ widgets: Array<{ name: string; fields: Array<{ name: string; value: string }> }> }> }>
    >('dashboard.get', { output: ['name'], selectPages: ['widgets'] });
    return boards
      .filter((b) => b.name.startsWith('pytin: '))
      .flatMap((b) => b.pages.flatMap((p) => p.widgets.map((w) => ({ board: b.name, widget: w }))))
      .filter(({ widget }) => widget.name.endsWith(': switch ports'))
      .flatMap(({ board, widget }) => dataSetsOf(widget.fields).map((set) => ({ board, widget: widget.name, set })));
  }

  /** The switch ports the lab's servers are cabled to (the inventory's own words). */
  const CABLED_PORTS: Record<string, { switch: string; port: string }> = {
    'ded-01': { switch: 'sw-r01', port: 'Gi1/0/5' },
    'hv-01': { switch: 'sw-r01', port: 'Gi1/0/1' },
    'hv-02': { switch: 'sw-r02', port: '17' },
    'backup-01': { switch: 'sw-r02', port: '18' },
  };

  test("every item pattern pytin wrote for a switch port selects, as the graph widget does, that port's discovered traffic items on that switch and nothing else", async () => {
    const hostIds = await switchHostIds();
    const sets = await switchPortDataSets();
    // Every cabled server's port is graphed on its rack's dashboard (and on a hypervisor's or tenant's).
    assert.deepEqual(
      [...new Set(sets.map((s) => s.widget))].sort(),
      Object.keys(CABLED_PORTS)
        .map((s) => `${s}: switch ports`)
        .sort(),
    );
    for (const { board, widget, set } of sets) {
      const server = widget.replace(/: switch ports$/, '');
      const cabled = CABLED_PORTS[server]!;
      const where = `${board} / ${widget} / ${JSON.stringify(set)}`;
      assert.deepEqual(set.hosts, [cabled.switch], where);
      const ifIndex = ifIndexByName(RECORDING_OF[cabled.switch]!).get(cabled.port);
      assert.ok(ifIndex !== undefined, `${cabled.switch} reports ${cabled.port}`);
      const portTraffic = TRAFFIC_KEYS[generation](ifIndex);
      // Each pattern on its own selects something, all of it this port's discovered traffic...
      for (const pattern of set.items) {
        const selected = await itemsTheGraphShows({ hosts: set.hosts, items: [pattern] });
        assert.ok(selected.length > 0, `${where}: "${pattern}" selects no item`);
        for (const item of selected) {
          assert.equal(item.hostid, hostIds.get(cabled.switch), `${where}: "${pattern}" selects ${item.name} of another host`);
          assert.equal(item.flags, '4', `${where}: "${pattern}" selects ${item.name}, not a discovered item`);
          assert.ok(portTraffic.includes(item.key_), `${where}: "${pattern}" selects ${item.name} (${item.key_}), not the traffic of ifIndex ${ifIndex}`);
        }
      }
      // ...and the data set as a whole shows both directions of that port, nothing else.
      assert.deepEqual((await itemsTheGraphShows(set)).map((i) => i.key_).sort(), portTraffic.sort(), where);
    }
    // The names behind it, as plan-zabbix.test.ts's unit test of the patterns quotes them.
    const hv = sets.find((s) => s.widget === 'hv-01: switch ports')!;
    assert.deepEqual(
      (await itemsTheGraphShows(hv.set)).map((i) => i.name),
      ['Interface Gi1/0/1(DJ_200_POE): Bits received', 'Interface Gi1/0/1(DJ_200_POE): Bits sent'],
    );
  });

  test("history arrives for a port's traffic item the dashboards graph: the server polls the recorded switch for real", async () => {
    const hv = (await switchPortDataSets()).find((s) => s.widget === 'hv-01: switch ports')!;
    const received = (await itemsTheGraphShows(hv.set)).find((i) => i.name.endsWith('Bits received'))!;
    type HistoryRow = { clock: string; value: string };
    // ITEM_VALUE_TYPE_UINT64 (history_uint): what both switch templates store bits per second as.
    const history = () =>
      client!.call<HistoryRow[]>('history.get', { history: 3, itemids: [received.itemid], sortfield: 'clock', sortorder: 'DESC', limit: 1 });
    // "Bits received" is a change per second: the first poll only sets the base, the second stores a value.
    await checkNowUntil(`a history value of ${received.name}`, [received.itemid], async () => (await history()).length > 0);
    const [row] = await history();
    // snmpsim serves the recording's counters unchanged (ifHCInOctets.10101 = 4377757100764), so the rate is 0.
    assert.equal(row!.value, '0');
    const [item] = await client!.call<Array<{ state: string; error: string }>>('item.get', { output: ['state', 'error'], itemids: [received.itemid] });
    assert.deepEqual([item!.state, item!.error], ['0', ''], 'the item is supported: the server read the counter');
  });

  test("the frontend's own graph widget draws, for each switch-port data set pytin wrote, exactly that port's two traffic items", async () => {
    const sets = await switchPortDataSets();
    assert.ok(sets.length > 0);
    for (const { board, widget, set } of sets) {
      const where = `${board} / ${widget} / ${JSON.stringify(set)}`;
      // The legend of the installed widget.svggraph.view: "<host>: <item name>" per metric drawn.
      const drawn = await frontendGraphLegend(zabbix!, 'Admin', LAB_ZABBIX_PASSWORD, set);
      const expected = (await itemsTheGraphShows(set)).map((i) => `${set.hosts[0]}: ${i.name}`);
      assert.equal(expected.length, 2, where);
      assert.deepEqual(drawn.sort(), expected.sort(), where);
    }
    // Why the pattern holds "(": without it, port Gi1/0/1's graph would also draw Gi1/0/10-Gi1/0/19's.
    const loose = await frontendGraphLegend(zabbix!, 'Admin', LAB_ZABBIX_PASSWORD, { hosts: ['sw-r01'], items: ['Interface Gi1/0/1*: Bits *'] });
    assert.ok(
      loose.some((name) => name.startsWith('sw-r01: Interface Gi1/0/10(')),
      `a pattern without "(" draws other ports too: ${loose.join(', ')}`,
    );
  });
}
