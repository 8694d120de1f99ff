import assert from 'node:assert/strict';
import { test } from 'node:test';

import { deterministicMac } from '../../../../reconciler/drivers/kvm/plan/deterministic-mac.js';
import { strategyForUri } from '../../../../reconciler/drivers/kvm/plan/install-strategy.js';
import { bitsToLibvirtRate, bytesToBurstKiB, libvirtRate, sizeToKiB } from '../../../../reconciler/drivers/kvm/plan/kvm-units.js';

test('bit rates become libvirt kB/s as tc applies them (100Mbit -> 12500, as tc shows "12500kbps" = 100Mbit)', () => {
  const table: Array<[string, number]> = [
    ['100Mbit', 12500],
    ['1Gbit', 125000],
    ['200Mbit', 25000],
    ['50Mbit', 6250],
    ['1bit', 1], // never 0: 0 means "no limit" to libvirt
    ['12345bit', 2], // rounded up
  ];
  for (const [text, expected] of table) assert.equal(libvirtRate(text), expected, text);
  assert.equal(libvirtRate('fast'), undefined);
  assert.equal(bitsToLibvirtRate(8000), 1);
});

test('burst sizes become KiB and memory sizes KiB, rounded up', () => {
  assert.equal(bytesToBurstKiB(1024 * 1024), 1024);
  assert.equal(bytesToBurstKiB(1), 1);
  assert.equal(sizeToKiB('4GiB'), 4 * 1024 * 1024);
  assert.equal(sizeToKiB('1GB'), 976563);
});

test('a MAC written nowhere is derived from the VM and interface names, stable and in the KVM range', () => {
  const mac = deterministicMac('web-01', 'eth0');
  assert.match(mac, /^52:54:00(:[0-9a-f]{2}){3}$/);
  assert.equal(deterministicMac('web-01', 'eth0'), mac);
  assert.notEqual(deterministicMac('web-01', 'eth1'), mac);
});

test('the install strategy is decided per host from its libvirt URI', () => {
  assert.deepEqual(strategyForUri('test:///default'), { install: 'define', provisionVolumes: false });
  assert.deepEqual(strategyForUri('test+unix:///default?socket=/tmp/s'), { install: 'define', provisionVolumes: false });
  assert.deepEqual(strategyForUri('test+ssh://root@h/default'), { install: 'define', provisionVolumes: false });
  assert.deepEqual(strategyForUri('qemu:///system'), { install: 'virt-install', provisionVolumes: true });
  assert.deepEqual(strategyForUri('qemu+ssh://root@hv/system'), { install: 'virt-install', provisionVolumes: true });
});
