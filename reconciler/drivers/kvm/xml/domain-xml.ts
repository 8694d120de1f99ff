import { ownershipFor, ownershipXml } from '../ownership.js';
import type { DomainSpec, RateLimit } from '../plan/domain-spec.js';
import { escapeXml, xmlAttributes } from './xml-escape.js';

function rate(tag: 'inbound' | 'outbound', limit: RateLimit | null): string[] {
  return limit
    ? [
        `        <${tag}${xmlAttributes([
          ['average', limit.average],
          ['peak', limit.peak],
          ['burst', limit.burst],
        ])}/>`,
      ]
    : [];
}

/** The libvirt domain definition of a VM. Pure and deterministic: the same spec and commit give
 * the same bytes. Disks are storage-pool volumes (`<disk type='volume'>`, source pool+volume), one
 * per inventory disk, qcow2; interfaces are bridged virtio NICs with `<bandwidth>` (rates in
 * libvirt's kB/s, burst in KiB: kvm-units.ts); `<metadata>` carries pytin's ownership record in
 * pytin's namespace (ownership.ts). Domain type `kvm`: libvirt's test driver accepts it too.
 * `uuid`: the UUID apply gives a domain it defines (fresh each time, so it can address that very
 * domain afterwards); without it libvirt picks one. */
export function generateDomainXml(spec: DomainSpec, commit: string | null, options: { uuid?: string } = {}): string {
  const lines: string[] = [
    '<domain type="kvm">',
    `  <name>${escapeXml(spec.name)}</name>`,
    ...(options.uuid !== undefined ? [`  <uuid>${escapeXml(options.uuid)}</uuid>`] : []),
    '  <metadata>',
    ownershipXml(ownershipFor(spec, commit), { prefixed: true, indent: '    ' }),
    '  </metadata>',
    `  <memory unit="KiB">${spec.memoryKiB}</memory>`,
    `  <currentMemory unit="KiB">${spec.memoryKiB}</currentMemory>`,
    `  <vcpu placement="static">${spec.vcpus}</vcpu>`,
    '  <os>',
    '    <type arch="x86_64">hvm</type>',
    '    <boot dev="hd"/>',
    '  </os>',
    '  <features>',
    '    <acpi/>',
    '    <apic/>',
    '  </features>',
    '  <on_poweroff>destroy</on_poweroff>',
    '  <on_reboot>restart</on_reboot>',
    '  <on_crash>destroy</on_crash>',
    '  <devices>',
  ];
  if (spec.disks.some((d) => d.bus === 'scsi')) lines.push('    <controller type="scsi" index="0" model="virtio-scsi"/>');
  for (const disk of spec.disks) {
    lines.push(
      '    <disk type="volume" device="disk">',
      '      <driver name="qemu" type="qcow2"/>',
      `      <source${xmlAttributes([
        ['pool', disk.pool],
        ['volume', disk.volume],
      ])}/>`,
      `      <target${xmlAttributes([
        ['dev', disk.target],
        ['bus', disk.bus],
      ])}/>`,
      '    </disk>',
    );
  }
  for (const nic of spec.interfaces) {
    const bandwidth = [...rate('inbound', nic.inbound), ...rate('outbound', nic.outbound)];
    lines.push(
      '    <interface type="bridge">',
      `      <mac${xmlAttributes([['address', nic.mac]])}/>`,
      `      <source${xmlAttributes([['bridge', nic.bridge]])}/>`,
      '      <model type="virtio"/>',
      ...(bandwidth.length > 0 ? ['      <bandwidth>', ...bandwidth, '      </bandwidth>'] : []),
      '    </interface>',
    );
  }
  lines.push('    <serial type="pty"/>', '    <console type="pty"/>', '  </devices>', '</domain>', '');
  return lines.join('\n');
}
