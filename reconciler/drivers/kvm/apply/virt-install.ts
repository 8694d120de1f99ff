import { basename } from 'node:path';

import { shellQuote } from '../../../transports/command-runner.js';
import type { DomainSpec } from '../plan/domain-spec.js';
import {
  checkedBridge,
  checkedDomainName,
  checkedInstallTree,
  checkedMac,
  checkedPool,
  checkedUri,
  checkedVolume,
  optionValue,
  subOptions,
} from './sink-values.js';

/** The root-only folder of rendered kickstarts on virt-install hosts. */
export const KICKSTART_DIR = '/var/lib/pytin/kickstart';

/** Where the rendered kickstart is written on a virt-install host. The domain name is checked:
 * it is a file name here, and the path goes into shell commands and virt-install options. */
export function kickstartPathOnHost(name: string): string {
  return `${KICKSTART_DIR}/${checkedDomainName(name)}.cfg`;
}

/** virt-install's argument vector for a VM on a host with real KVM: the installer is booted from
 * the install tree (`--location`), the kickstart injected into its initrd (`--initrd-inject`,
 * which puts the file at the initrd's root under its base name) and named on the kernel command
 * line (`inst.ks=file:/NAME.cfg`). Disks are the pool volumes pytin provisioned,
 * NICs bridged virtio with the inventory MACs. Memory in MiB (virt-install's unit), rounded up.
 * No `--wait`: the install runs on in the background; apply does not wait for the guest.
 * Every inventory value is checked where it lands (sink-values.ts): virt-install splits option
 * strings on `,` and `=` and reads quotes, so a value must not add a sub-option (`kernel=`). */
export function virtInstallArgv(spec: DomainSpec, kickstartPath: string): string[] {
  if (!spec.install) throw new Error(`${spec.address}: no install source`);
  const argv = [
    'virt-install',
    '--connect',
    checkedUri(spec.uri),
    '--name',
    checkedDomainName(spec.name),
    '--memory',
    String(Math.ceil(spec.memoryKiB / 1024)),
    '--vcpus',
    String(spec.vcpus),
    '--osinfo',
    'detect=on,require=off',
  ];
  // source.pool/source.volume, not vol=POOL/VOL: virt-install resolves vol= to the volume's file
  // path (`<disk type='file'>`), while pytin's own XML and its planner name pool volumes.
  for (const disk of spec.disks) {
    argv.push(
      '--disk',
      subOptions([
        ['source.pool', checkedPool(disk.pool)],
        ['source.volume', checkedVolume(disk.volume)],
        ['target.dev', disk.target],
        ['bus', disk.bus],
        ['driver.type', 'qcow2'],
      ]),
    );
  }
  for (const nic of spec.interfaces)
    argv.push(
      '--network',
      subOptions([
        ['bridge', checkedBridge(nic.bridge)],
        ['mac', checkedMac(nic.mac)],
        ['model', 'virtio'],
      ]),
    );
  argv.push(
    '--location',
    optionValue(checkedInstallTree(spec.install.tree)),
    '--initrd-inject',
    optionValue(kickstartPath),
    '--extra-args',
    `inst.ks=file:/${basename(kickstartPath)} console=ttyS0`,
    '--graphics',
    'none',
    '--noautoconsole',
  );
  return argv;
}

/** The argument vector as one shell command line (what runs over SSH). */
export function shellCommand(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}
