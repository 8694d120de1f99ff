import { test } from 'node:test';
import { execFileSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { kickstartPathOnHost, shellCommand, virtInstallArgv } from '../../../../reconciler/drivers/kvm/virt-install.js';
import { labDomains, specOf } from './fixtures/lab-kvm.js';

test('virt-install boots the installer from the tree with the kickstart injected into its initrd', () => {
  const spec = { ...specOf(labDomains(), 'acme-web-01'), uri: 'qemu+ssh://root@hv-01/system' };
  const command = shellCommand(virtInstallArgv(spec, kickstartPathOnHost(spec.name)));
  assert.equal(
    command,
    [
      "virt-install --connect qemu+ssh://root@hv-01/system --name acme-web-01 --memory 4096 --vcpus 2 --osinfo detect=on,require=off",
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
