import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import type { DeviceFacts } from '../../../../reconciler/observe/snmp/device-facts.js';
import { observeDevice } from '../../../../reconciler/observe/snmp/observe-device.js';
import { recordedDevices, snmpFixturesDir } from '../../../lab/snmp-fixtures.js';
import { type Snmpsim, startSnmpsim } from '../../../lab/snmpsim.js';

/** What net-snmp's snmpbulkwalk read from the same recording (see the fixtures' README). */
interface Expected {
  arp: { ifIndex: number; ip: string; mac: string }[];
  fdb: { fdbId: number | null; mac: string; bridgePort: number; ifIndex: number | null }[];
  interfaces: { ifIndex: number; ifName: string }[];
  lldpNeighbours: number;
}

const fixtures = snmpFixturesDir();
const devices = await recordedDevices(fixtures);
let agent: Snmpsim;
const observed = new Map<string, DeviceFacts>();

async function expectedOf(device: string): Promise<Expected> {
  return JSON.parse(await readFile(join(fixtures, `${device}.expected.json`), 'utf8')) as Expected;
}

/** Rows as comparable keys: the comparison is of sets, never of counts written in the test. */
const keys = <T>(rows: readonly T[], key: (row: T) => string): Set<string> => new Set(rows.map(key));

function assertSuperset(actual: Set<string>, expected: Set<string>, what: string): void {
  const missing = [...expected].filter((k) => !actual.has(k));
  assert.deepEqual(missing.slice(0, 10), [], `${what}: ${missing.length} of ${expected.size} expected rows missing`);
}

before(async () => {
  assert.ok(devices.length > 0, `no recordings in ${fixtures}`);
  agent = await startSnmpsim(fixtures, devices);
  for (const device of devices) {
    observed.set(device, await observeDevice({ version: '2c', host: '127.0.0.1', port: agent.port, community: device, timeoutMs: 10_000, retries: 2 }));
  }
});
after(async () => {
  await agent?.stop();
});

describe('observing recorded real switches served by snmpsim', () => {
  for (const device of devices) {
    describe(device, () => {
      test('every section is read completely, without errors', () => {
        const facts = observed.get(device) as DeviceFacts;
        assert.deepEqual(facts.completeness, { system: 'complete', interfaces: 'complete', arp: 'complete', fdb: 'complete', lldp: 'complete' });
        assert.deepEqual(
          facts.diagnostics.filter((d) => d.severity === 'error'),
          [],
        );
        assert.ok(facts.system?.sysObjectID, 'sysObjectID read');
      });

      test('extracts every ARP/neighbour row of the expected file', async () => {
        const facts = observed.get(device) as DeviceFacts;
        const expected = await expectedOf(device);
        assertSuperset(
          keys(facts.arp, (r) => `${r.ifIndex}|${r.ip}|${r.mac}`),
          keys(expected.arp, (r) => `${r.ifIndex}|${r.ip}|${r.mac}`),
          'arp',
        );
        // The reference lists a (ip, mac) pair once; pytin keeps one per interface, nothing else extra.
        assert.deepEqual(
          keys(facts.arp, (r) => `${r.ip}|${r.mac}`),
          keys(expected.arp, (r) => `${r.ip}|${r.mac}`),
        );
        for (const row of facts.arp) assert.match(row.mac, /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
      });

      test('extracts every forwarding row with its bridge port mapped to the ifIndex', async () => {
        const facts = observed.get(device) as DeviceFacts;
        const expected = await expectedOf(device);
        const key = (r: { fdbId: number | null; mac: string; bridgePort: number; ifIndex: number | null }) =>
          `${r.fdbId}|${r.mac}|${r.bridgePort}|${r.ifIndex}`;
        assert.deepEqual(keys(facts.fdb, key), keys(expected.fdb, key));
      });

      test('extracts every interface name', async () => {
        const facts = observed.get(device) as DeviceFacts;
        const expected = await expectedOf(device);
        const names = new Map(facts.interfaces.map((r) => [r.ifIndex, r.ifName ?? '']));
        // The reference's tool prints a name recorded as hex bytes as Hex-STRING, 16 bytes a line,
        // and the reference kept the first line: a 16-character expected name is a prefix.
        const missing = expected.interfaces.filter((r) => {
          const name = names.get(r.ifIndex);
          return name === undefined || (r.ifName.length === 16 ? !name.startsWith(r.ifName) : name !== r.ifName);
        });
        assert.deepEqual(missing, [], `${missing.length} of ${expected.interfaces.length} interface names missing`);
      });

      test('finds every LLDP neighbour that has a system name row', async () => {
        const facts = observed.get(device) as DeviceFacts;
        const expected = await expectedOf(device);
        assert.equal(facts.lldp.filter((n) => n.systemName !== null).length, expected.lldpNeighbours);
        for (const neighbour of facts.lldp) assert.notEqual(neighbour.localIfIndex, null, `LLDP local port ${neighbour.localPortNum} mapped to an interface`);
      });
    });
  }
});
