import assert from 'node:assert/strict';
import { test } from 'node:test';

import { InternalError } from '../../../../inventory/core/errors.js';
import { readOwnership } from '../../../../reconciler/drivers/kvm/ownership.js';
import { domainSpecFromJson, domainSpecJson } from '../../../../reconciler/drivers/kvm/plan/domain-spec.js';
import { generateDomainXml } from '../../../../reconciler/drivers/kvm/xml/domain-xml.js';
import { labWith } from '../../../support/lab-inventory.js';
import { labDomains, observedFrom, specOf } from './fixtures/lab-kvm.js';

test('the domain XML of a lab VM parses back through the host observer to the same facts', () => {
  const spec = specOf(labDomains(), 'acme-web-01');
  const facts = observedFrom(spec, 'abc123', 'running');
  assert.equal(facts.name, 'acme-web-01');
  assert.equal(facts.vcpu, 2);
  assert.equal(facts.memoryKiB, 4 * 1024 * 1024);
  assert.deepEqual(facts.disks, [{ device: 'disk', type: 'volume', source: 'default/acme-web-01-root', target: 'vda', bus: 'virtio', format: 'qcow2' }]);
  assert.equal(facts.interfaces.length, 1);
  const nic = facts.interfaces[0]!;
  assert.equal(nic.type, 'bridge');
  assert.equal(nic.mac, '52:54:00:a0:00:01');
  assert.equal(nic.bridge, 'br0'); // the hypervisor's libvirt.bridge: the VM names none
  assert.equal(nic.model, 'virtio');
  assert.deepEqual(nic.bandwidth, {
    inbound: { averageKiBps: 12500, peakKiBps: null, burstKiB: null, floorKiBps: null },
    outbound: { averageKiBps: 12500, peakKiBps: null, burstKiB: null, floorKiBps: null },
  });
  assert.deepEqual(readOwnership(facts.pytin), {
    address: 'vm/acme-web-01',
    commit: 'abc123',
    tenant: 'acme',
    protected: false,
    applied: {
      vcpus: 2,
      memoryKiB: 4194304,
      disks: [{ name: 'root', pool: 'default', volume: 'acme-web-01-root', sizeBytes: 20 * 1024 ** 3, bus: 'virtio' }],
      interfaces: [
        { name: 'eth0', mac: '52:54:00:a0:00:01', inbound: { average: 12500, peak: null, burst: null }, outbound: { average: 12500, peak: null, burst: null } },
      ],
    },
  });
});

test('peaks, burst, a VM bridge, extra disks and buses are all written', () => {
  const texts = labWith(
    'vms/acme.yaml',
    `  - {name: data, size: 200GiB}\ninterfaces:\n  - name: eth0\n    mac: 52:54:00:a0:00:03\n    ips: [203.0.113.12]\n    bandwidth: {inbound: 1Gbit, outbound: 200Mbit}`,
    `  - {name: data, size: 200GiB, bus: scsi}\n  - {name: logs, size: 1GiB, bus: sata}\ninterfaces:\n  - name: eth0\n    mac: 52:54:00:a0:00:03\n    bridge: br-db\n    ips: [203.0.113.12]\n    bandwidth: {inbound: 1Gbit, outbound: 200Mbit, inboundPeak: 2Gbit, burst: 1MiB}`,
  );
  const spec = specOf(labDomains(texts), 'acme-db-01');
  const facts = observedFrom(spec);
  assert.deepEqual(
    facts.disks.map((d) => [d.source, d.target, d.bus]),
    [
      ['default/acme-db-01-root', 'vda', 'virtio'],
      ['default/acme-db-01-data', 'sda', 'scsi'],
      ['default/acme-db-01-logs', 'sdb', 'sata'],
    ],
  );
  assert.equal(facts.interfaces[0]?.bridge, 'br-db');
  assert.deepEqual(facts.interfaces[0]?.bandwidth, {
    inbound: { averageKiBps: 125000, peakKiBps: 250000, burstKiB: 1024, floorKiBps: null },
    outbound: { averageKiBps: 25000, peakKiBps: null, burstKiB: 1024, floorKiBps: null },
  });
  assert.match(generateDomainXml(spec, null), /<controller type="scsi" index="0" model="virtio-scsi"\/>/);
  assert.equal(readOwnership(facts.pytin)?.protected, true);
  // A worktree apply has no commit: the attribute is left out, not written empty.
  assert.doesNotMatch(generateDomainXml(spec, null), /commit=/);
});

test('generation is deterministic and escapes every value', () => {
  const spec = { ...specOf(labDomains(), 'acme-web-01'), tenant: `a"b<c>&'d` };
  const xml = generateDomainXml(spec, 'c1');
  assert.equal(generateDomainXml(spec, 'c1'), xml);
  assert.equal(readOwnership(observedFrom(spec, 'c1').pytin)?.tenant, `a"b<c>&'d`);
  assert.doesNotMatch(xml, /a"b<c/);
});

test('a domain spec survives the JSON a saved plan carries', () => {
  const spec = specOf(labDomains(), 'acme-web-01');
  const json = JSON.parse(JSON.stringify(domainSpecJson(spec)));
  assert.deepEqual(domainSpecFromJson(json), spec);
  assert.throws(() => domainSpecFromJson({ ...json, vcpus: 'two' }), /vcpus/);
});

test('tabs and line breaks round-trip as character references; characters XML cannot carry are a bug', () => {
  const spec = { ...specOf(labDomains(), 'acme-web-01'), tenant: 'a\tb\nc\r\nd' };
  assert.equal(readOwnership(observedFrom(spec, 'c1').pytin)?.tenant, 'a\tb\nc\r\nd');
  assert.match(generateDomainXml(spec, 'c1'), /tenant="a&#9;b&#10;c&#13;&#10;d"/);
  for (const bad of ['\0', '\x01', '\x0b', '\x0c', '\x1f', '\ufffe', '\uffff', '\ud800', 'x\udc00']) {
    assert.throws(
      () => generateDomainXml({ ...spec, tenant: `a${bad}b` }, 'c1'),
      (e: Error) => e instanceof InternalError && /XML cannot carry/.test(e.message),
      JSON.stringify(bad),
    );
  }
  // A whole surrogate pair (an emoji) is a character like any other.
  assert.equal(readOwnership(observedFrom({ ...spec, tenant: 'a\u{1F600}b' }, 'c1').pytin)?.tenant, 'a\u{1F600}b');
});
