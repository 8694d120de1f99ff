import assert from 'node:assert/strict';
import { test } from 'node:test';

import { DiagnosticSink, ROW_DIAGNOSTICS_PER_TABLE } from '../../../../reconciler/observe/snmp/diagnostic-sink.js';
import {
  arpFromIpNetToMedia,
  arpFromIpNetToPhysical,
  invalidNeighbourIndexes,
  mergeArp,
  withoutInvalidNeighbours,
} from '../../../../reconciler/observe/snmp/extract/extract-arp.js';
import { fdbFromDot1q, vlanByFdbId } from '../../../../reconciler/observe/snmp/extract/extract-fdb.js';
import { OID } from '../../../../reconciler/observe/snmp/mib-oids.js';
import type { SnmpVarbind } from '../../../../reconciler/transports/snmp/snmp-value.js';

/** Rows as the transport hands them over: these tests are about decoding indexes, which is pure. */
const octets = (oid: string, hex: string): SnmpVarbind => ({ oid, value: { kind: 'octets', bytes: Buffer.from(hex, 'hex') } });
const gauge = (oid: string, value: number): SnmpVarbind => ({ oid, value: { kind: 'unsigned', value } });
const integer = (oid: string, value: number): SnmpVarbind => ({ oid, value: { kind: 'integer', value } });
const MAC = '525400cc0050';

test('ipNetToPhysical indexes: with or without the length octet, zoned types, unknown types', () => {
  const sink = new DiagnosticSink('device/test');
  const v6 = [0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1].join('.');
  const rows = [
    octets(`${OID.ipNetToPhysicalPhysAddress}.5.1.4.10.0.0.1`, MAC),
    octets(`${OID.ipNetToPhysicalPhysAddress}.5.1.10.0.0.2`, MAC), // implied length
    octets(`${OID.ipNetToPhysicalPhysAddress}.5.2.16.${v6}`, MAC),
    octets(`${OID.ipNetToPhysicalPhysAddress}.5.4.20.${v6}.0.0.0.5`, MAC), // ipv6z: zone dropped
    octets(`${OID.ipNetToPhysicalPhysAddress}.5.16.3.1.2.3`, MAC), // dns: not a neighbour
  ];
  const entries = arpFromIpNetToPhysical(rows, sink);
  assert.deepEqual(
    entries.map((e) => `${e.ifIndex} ${e.family} ${e.ip}`),
    ['5 ipv4 10.0.0.1', '5 ipv4 10.0.0.2', '5 ipv6 fe80:0000:0000:0000:0000:0000:0000:0001', '5 ipv6 fe80:0000:0000:0000:0000:0000:0000:0001'],
  );
  assert.deepEqual(
    sink.finish().map((d) => d.code),
    ['OBS_SNMP_BAD_INDEX'],
  );
  assert.equal(mergeArp(entries, []).length, 3, 'the same neighbour twice is one row');
});

test('invalid neighbours (type invalid(2), state invalid(5)) are left out of both tables, in either index form; a row without type or state is kept', () => {
  const sink = new DiagnosticSink('device/test');
  const physical = [
    octets(`${OID.ipNetToPhysicalPhysAddress}.5.1.4.10.0.0.1`, MAC),
    octets(`${OID.ipNetToPhysicalPhysAddress}.5.1.4.10.0.0.2`, MAC),
    octets(`${OID.ipNetToPhysicalPhysAddress}.5.1.10.0.0.3`, MAC), // implied length
    octets(`${OID.ipNetToPhysicalPhysAddress}.5.1.4.10.0.0.4`, MAC), // no type or state served
  ];
  const invalid = invalidNeighbourIndexes(
    [
      integer(`${OID.ipNetToPhysicalType}.5.1.4.10.0.0.1`, 2),
      integer(`${OID.ipNetToPhysicalType}.5.1.4.10.0.0.2`, 3),
      integer(`${OID.ipNetToPhysicalType}.5.1.10.0.0.3`, 3),
    ],
    [
      integer(`${OID.ipNetToPhysicalState}.5.1.4.10.0.0.1`, 1),
      integer(`${OID.ipNetToPhysicalState}.5.1.4.10.0.0.2`, 1),
      integer(`${OID.ipNetToPhysicalState}.5.1.10.0.0.3`, 5),
    ],
  );
  assert.deepEqual(
    arpFromIpNetToPhysical(physical, sink, invalid).map((e) => e.ip),
    ['10.0.0.2', '10.0.0.4'],
  );
  const media = arpFromIpNetToMedia(
    ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.9'].map((ip) => octets(`${OID.ipNetToMediaPhysAddress}.5.${ip}`, MAC)),
    sink,
  );
  assert.deepEqual(
    withoutInvalidNeighbours(media, invalid).map((e) => e.ip),
    ['10.0.0.2', '10.0.0.9'],
  );
  assert.deepEqual(sink.finish(), []);
});

test('a flood of bad rows is reported one by one up to a limit, then counted', () => {
  const sink = new DiagnosticSink('device/test');
  const rows = Array.from({ length: ROW_DIAGNOSTICS_PER_TABLE + 7 }, (_, i) => octets(`${OID.ipNetToPhysicalPhysAddress}.5.1.4.10.0.1.${i}`, '5254'));
  assert.deepEqual(arpFromIpNetToPhysical(rows, sink), []);
  const diagnostics = sink.finish();
  assert.equal(diagnostics.filter((d) => d.code === 'OBS_SNMP_BAD_MAC').length, ROW_DIAGNOSTICS_PER_TABLE);
  assert.match(diagnostics.find((d) => d.code === 'OBS_SNMP_MORE_BAD_ROWS')?.summary ?? '', /^7 more rows of ipNetToPhysicalTable/);
});

test('the VLAN of a forwarding entry comes from dot1qVlanFdbId when one VLAN uses the fdbId', () => {
  const vlans = vlanByFdbId([
    gauge(`${OID.dot1qVlanFdbId}.0.50`, 2),
    gauge(`${OID.dot1qVlanFdbId}.0.60`, 3),
    gauge(`${OID.dot1qVlanFdbId}.0.61`, 3), // shared learning: no single VLAN for fdbId 3
  ]);
  const sink = new DiagnosticSink('device/test');
  const ports = new Map([[4, 10004]]);
  const fdb = fdbFromDot1q(
    [
      integer(`${OID.dot1qTpFdbPort}.2.82.84.0.204.0.80`, 4),
      integer(`${OID.dot1qTpFdbPort}.3.82.84.0.204.0.81`, 4),
      integer(`${OID.dot1qTpFdbPort}.7.82.84.0.204.0.82`, 0),
    ],
    ports,
    vlans,
    sink,
  );
  assert.deepEqual(
    fdb.map((f) => [f.fdbId, f.vlan, f.mac, f.bridgePort, f.ifIndex]),
    [
      [2, 50, '52:54:00:cc:00:50', 4, 10004],
      [3, 3, '52:54:00:cc:00:51', 4, 10004],
      [7, 7, '52:54:00:cc:00:52', 0, null],
    ],
  );
  assert.deepEqual(sink.finish(), []);
});
