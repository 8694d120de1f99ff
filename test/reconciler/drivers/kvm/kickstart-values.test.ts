import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { VMSpec } from '../../../../inventory/model/specs.js';
import { validateInventory } from '../../../../inventory/validate/validate-inventory.js';
import { kickstartValues } from '../../../../reconciler/drivers/kvm/plan/kickstart-values.js';
import { labWith, snapshotOf } from '../../../support/lab-inventory.js';

function valuesOf(texts: Map<string, string>, vm: string) {
  const { state, diagnostics } = validateInventory(snapshotOf(texts));
  assert.deepEqual(diagnostics, []);
  return kickstartValues(state.resources.get(`vm/${vm}`)!.spec as VMSpec, state);
}

test("a guest in a VRF gets its pool's netmask and gateway, whether its interface names the vrf or not", () => {
  // Named: 10.20.0.5 in acme's VRF (globex's VRF has the same /24: the gateway is found by the VRF).
  const named = labWith('vms/acme.yaml', '    ips: [203.0.113.11]', '    vrf: acme-private\n    ips: [10.20.0.5]');
  assert.deepEqual((({ ip, netmask, gateway }) => ({ ip, netmask, gateway }))(valuesOf(named, 'acme-web-02')), {
    ip: '10.20.0.5',
    netmask: '255.255.255.0',
    gateway: '10.20.0.1',
  });
  // Not named: globex's pool widened to a /23 is the only one holding 10.20.1.5, in its VRF.
  const implicit = labWith(
    'network/pools.yaml',
    /(name: globex-private-lan[\s\S]*)cidr: 10\.20\.0\.0\/24\ngateway: 10\.20\.0\.1/,
    '$1cidr: 10.20.0.0/23\ngateway: 10.20.1.1',
  );
  implicit.set('vms/globex.yaml', implicit.get('vms/globex.yaml')!.replace('    ips: [203.0.113.21]', '    ips: [10.20.1.5]'));
  assert.deepEqual((({ ip, netmask, gateway }) => ({ ip, netmask, gateway }))(valuesOf(implicit, 'globex-app-02')), {
    ip: '10.20.1.5',
    netmask: '255.255.254.0',
    gateway: '10.20.1.1',
  });
});
