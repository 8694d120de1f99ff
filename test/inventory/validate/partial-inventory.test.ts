import assert from 'node:assert/strict';
import { test } from 'node:test';

import { formatDiagnostic } from '../../../inventory/core/diagnostic.js';
import { connectionSettingsOf } from '../../../inventory/model/connection-settings.js';
import { validateInventory } from '../../../inventory/validate/validate-inventory.js';
import { desiredDomains, libvirtUrisOf } from '../../../reconciler/drivers/kvm/plan/desired-domains.js';
import { labWith, positionOfMarker, snapshotOf } from '../../support/lab-inventory.js';

const LAB_HV01_LIBVIRT = 'libvirt: {uri: "test+unix:///default?socket=/run/pytin-lab/hv-01/libvirt-sock", bridge: br0}\n';

test('a hypervisor without a libvirt section connects with the documented default URI, and its VMs plan without one error each', () => {
  const texts = labWith('servers/hypervisors.yaml', LAB_HV01_LIBVIRT, 'libvirt: {bridge: br0}\n');
  const { diagnostics, state } = validateInventory(snapshotOf(texts));
  assert.deepEqual(diagnostics.map(formatDiagnostic), []);
  const uris = libvirtUrisOf(connectionSettingsOf(state));
  assert.equal(uris.get('hv-01'), 'qemu:///system');
  const domains = desiredDomains(state, { templates: new Map([['templates/centos-ks.cfg', texts.get('templates/centos-ks.cfg')!]]), libvirtUris: uris });
  assert.deepEqual(
    domains.diagnostics.map((d) => d.code),
    [],
  );
});

test('a hypervisor with no libvirt section at all and unbridged VMs gets one error at the hypervisor, naming its VMs', () => {
  const texts = labWith('servers/hypervisors.yaml', LAB_HV01_LIBVIRT, '');
  const { diagnostics } = validateInventory(snapshotOf(texts));
  assert.deepEqual(
    diagnostics.map((d) => d.code),
    ['INV_RULE_NO_BRIDGE'],
    diagnostics.map(formatDiagnostic).join('\n'),
  );
  const at = positionOfMarker(texts.get('servers/hypervisors.yaml')!, 'hv-01');
  assert.deepEqual(
    [diagnostics[0]!.subject?.file, diagnostics[0]!.subject?.start.line, diagnostics[0]!.subject?.start.col],
    ['servers/hypervisors.yaml', at.line, at.col],
  );
  // Independent count: the lab's VMs on hv-01 without a bridge of their own.
  const vmTexts = [texts.get('vms/acme.yaml')!, texts.get('vms/globex.yaml')!].join('\n---\n').split(/^---$/m);
  const onHv01 = vmTexts.filter((doc) => /hypervisor: hv-01\b/.test(doc));
  const unbridged = onHv01.reduce((n, doc) => n + [...doc.matchAll(/- \{?name: eth\d/g)].length - [...doc.matchAll(/bridge:/g)].length, 0);
  assert.ok(unbridged > 0);
  assert.match(diagnostics[0]!.summary, new RegExp(`${unbridged} VM interface\\(s\\) name none`));
});

test('errors do not come in waves: a document with a schema error is still checked by the cross-object rules without the bad value', () => {
  // acme-web-01 gets a malformed MAC (schema) and the pool's gateway as its address (a rule).
  let texts = labWith('vms/acme.yaml', 'mac: 52:54:00:a0:00:01', 'mac: 52:54:00:a0:00');
  texts = new Map(texts);
  const acme = texts.get('vms/acme.yaml')!;
  const firstIps = /ips: \[203\.0\.113\.\d+/.exec(acme)![0];
  texts.set('vms/acme.yaml', acme.replace(firstIps, 'ips: [203.0.113.1'));
  const { diagnostics, state } = validateInventory(snapshotOf(texts));
  assert.deepEqual(diagnostics.map((d) => d.code).sort(), ['INV_RULE_IP_GATEWAY', 'INV_SCHEMA_FORMAT'], diagnostics.map(formatDiagnostic).join('\n'));
  // The salvaged document is checked, never planned.
  assert.equal(state.resources.has('vm/acme-web-01'), false);
});

test('a document whose required field is wrong is left out of the rules, and one notice says so at it', () => {
  const texts = labWith('vms/acme.yaml', 'vcpus: 4', 'vcpus: many');
  const { diagnostics } = validateInventory(snapshotOf(texts));
  const notice = diagnostics.find((d) => d.code === 'INV_RULES_SKIPPED');
  assert.ok(notice, diagnostics.map(formatDiagnostic).join('\n'));
  assert.equal(notice.severity, 'warning');
  assert.match(notice.summary, /skipped 1 document\(s\).*vm\/acme-/);
  assert.equal(diagnostics.filter((d) => d.code === 'INV_RULES_SKIPPED').length, 1);
});
