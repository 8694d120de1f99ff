import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';

import { InternalError } from '../../../../inventory/core/errors.js';
import { virshCommand } from '../../../../reconciler/drivers/kvm/apply/virsh-command.js';
import { kickstartPathOnHost, shellCommand, virtInstallArgv } from '../../../../reconciler/drivers/kvm/apply/virt-install.js';
import { labDomains, specOf } from './fixtures/lab-kvm.js';

test('virt-install boots the installer from the tree with the kickstart injected into its initrd', () => {
  const spec = { ...specOf(labDomains(), 'acme-web-01'), uri: 'qemu+tls://hv-01.lab.invalid/system' };
  const command = shellCommand(virtInstallArgv(spec, kickstartPathOnHost(spec.name)));
  assert.equal(
    command,
    [
      'virt-install --connect qemu+tls://hv-01.lab.invalid/system --name acme-web-01 --memory 4096 --vcpus 2 --osinfo detect=on,require=off',
      '--disk source.pool=default,source.volume=acme-web-01-root,target.dev=vda,bus=virtio,driver.type=qcow2',
      '--network bridge=br0,mac=52:54:00:a0:00:01,model=virtio',
      '--location http://mirror.lab.invalid/centos/9/BaseOS/x86_64/os',
      '--initrd-inject /var/lib/pytin/kickstart/acme-web-01.cfg',
      "--extra-args 'inst.ks=file:/acme-web-01.cfg console=ttyS0' --graphics none --noautoconsole",
    ].join(' '),
  );
});

test('the command line reaches a POSIX shell as the same argument vector', () => {
  const spec = specOf(labDomains(), 'acme-web-01');
  const argv = virtInstallArgv(spec, kickstartPathOnHost(spec.name));
  // printf prints each argument the shell parsed on its own line.
  const parsed = execFileSync('/bin/sh', ['-c', `printf '%s\\n' ${shellCommand(argv)}`], { encoding: 'utf8' });
  assert.deepEqual(parsed.trimEnd().split('\n'), argv);
});

test('a VM without an install source has no virt-install command', () => {
  const spec = specOf(labDomains(), 'acme-web-02');
  assert.equal(spec.install, null);
  assert.throws(() => virtInstallArgv(spec, '/x.cfg'), /no install source/);
});

test('a value that would add a virt-install sub-option or leave the URI whitelist is a bug, never run', () => {
  const spec = specOf(labDomains(), 'acme-web-01');
  const path = kickstartPathOnHost(spec.name);
  const disk = spec.disks[0]!;
  const nic = spec.interfaces[0]!;
  const attempts: Array<[string, typeof spec]> = [
    ['pool', { ...spec, disks: [{ ...disk, pool: 'default,source.pool=other' }] }],
    ['volume', { ...spec, disks: [{ ...disk, volume: 'x,driver.type=raw' }] }],
    ['bridge', { ...spec, interfaces: [{ ...nic, bridge: 'br0,mac=52:54:00:00:00:99' }] }],
    ['bridge quote', { ...spec, interfaces: [{ ...nic, bridge: 'br0"' }] }],
    ['mac', { ...spec, interfaces: [{ ...nic, mac: '52:54:00:a0:00:01,model=e1000' }] }],
    ['tree', { ...spec, install: { ...spec.install!, tree: 'http://m/os,kernel=/tmp/k,initrd=/tmp/i' } }],
    ['tree quote', { ...spec, install: { ...spec.install!, tree: "http://m/os'" } }],
    ['uri', { ...spec, uri: 'qemu+ext:///system?command=/tmp/evil.sh' }],
    ['name', { ...spec, name: '-x' }],
  ];
  for (const [what, bad] of attempts) {
    assert.throws(
      () => virtInstallArgv(bad, path),
      (e: Error) => e instanceof InternalError && /not safe/.test(e.message),
      what,
    );
  }
  assert.throws(() => kickstartPathOnHost('../../etc/cron.d/x'), InternalError);
  assert.throws(() => virshCommand('qemu+ssh://root@hv-01/system?netcat=x', ['list']), InternalError);
});
