import type { MetadataElement } from './domain-facts.js';
import type { DiskBus, DomainSpec, RateLimit } from './plan/domain-spec.js';
import { PYTIN_NAMESPACE } from './xml/parse-domain-xml.js';
import { xmlAttributes } from './xml/xml-escape.js';

/** The `--key` (prefix) of pytin's metadata element; libvirt keeps one element per namespace. */
export const PYTIN_METADATA_KEY = 'pytin';
export const OWNER = 'pytin';

/** What pytin last applied to a domain, recorded on the domain itself (libvirt `<metadata>`):
 * - ownership (`owner="pytin"` + address): pytin deletes only domains that say so;
 * - the limits applied, so a limit changed by hand (domiftune outside pytin) shows as drift;
 * - vCPU and memory written to the config (a running domain shows the old ones until restart);
 * - disk sizes (libvirt's domain XML does not carry them);
 * - `protected`, so a protected VM removed from git is still refused without --allow-destroy. */
export interface OwnershipRecord {
  address: string;
  commit: string | null;
  tenant: string | null;
  protected: boolean;
  applied: AppliedRecord | null;
}

export interface AppliedRecord {
  vcpus: number;
  memoryKiB: number;
  disks: Array<{ name: string; pool: string; volume: string; sizeBytes: number; bus: DiskBus }>;
  interfaces: Array<{ name: string; mac: string; inbound: RateLimit | null; outbound: RateLimit | null }>;
}

export function ownershipFor(spec: DomainSpec, commit: string | null): OwnershipRecord {
  return {
    address: spec.address,
    commit,
    tenant: spec.tenant,
    protected: spec.protected,
    applied: {
      vcpus: spec.vcpus,
      memoryKiB: spec.memoryKiB,
      disks: spec.disks.map((d) => ({ name: d.name, pool: d.pool, volume: d.volume, sizeBytes: d.sizeBytes, bus: d.bus })),
      interfaces: spec.interfaces.map((i) => ({ name: i.name, mac: i.mac, inbound: i.inbound, outbound: i.outbound })),
    },
  };
}

function limitXml(tag: string, limit: RateLimit | null, prefix: string): string {
  return limit
    ? `<${prefix}${tag}${xmlAttributes([
        ['average', limit.average],
        ['peak', limit.peak],
        ['burst', limit.burst],
      ])}/>`
    : '';
}

/** The metadata element. With `prefixed`, as it sits in a domain definition (`pytin:` names and
 * the namespace declaration); without, as `virsh metadata --key pytin --set` wants it (libvirt
 * puts every element of it into the namespace). */
export function ownershipXml(record: OwnershipRecord, options: { prefixed: boolean; indent?: string }): string {
  const p = options.prefixed ? `${PYTIN_METADATA_KEY}:` : '';
  const ns = options.prefixed ? ` xmlns:${PYTIN_METADATA_KEY}="${PYTIN_NAMESPACE}"` : '';
  const pad = options.indent ?? '';
  const nl = options.indent === undefined ? '' : '\n';
  const lines: string[] = [
    `${pad}<${p}owner${ns}${xmlAttributes([
      ['owner', OWNER],
      ['address', record.address],
      ['commit', record.commit],
      ['tenant', record.tenant],
      ['protected', String(record.protected)],
    ])}>`,
  ];
  const applied = record.applied;
  if (applied) {
    lines.push(
      `${pad}  <${p}config${xmlAttributes([
        ['vcpus', applied.vcpus],
        ['memoryKiB', applied.memoryKiB],
      ])}/>`,
    );
    for (const d of applied.disks) {
      lines.push(
        `${pad}  <${p}disk${xmlAttributes([
          ['name', d.name],
          ['pool', d.pool],
          ['volume', d.volume],
          ['sizeBytes', d.sizeBytes],
          ['bus', d.bus],
        ])}/>`,
      );
    }
    for (const i of applied.interfaces) {
      lines.push(
        `${pad}  <${p}interface${xmlAttributes([
          ['name', i.name],
          ['mac', i.mac],
        ])}>${limitXml('inbound', i.inbound, p)}${limitXml('outbound', i.outbound, p)}</${p}interface>`,
      );
    }
  }
  lines.push(`${pad}</${p}owner>`);
  return lines.join(nl);
}

function int(text: string | undefined): number | null {
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : null;
}

function limitOf(element: MetadataElement | undefined): RateLimit | null {
  const average = int(element?.attributes.average);
  if (!element || average === null) return null;
  return { average, peak: int(element.attributes.peak), burst: int(element.attributes.burst) };
}

const BUSES: readonly string[] = ['virtio', 'scsi', 'sata'];

/** pytin's record on an observed domain, or null when the domain is not pytin's (no element in
 * pytin's namespace, or one whose owner is not "pytin" or that names no address). A record whose
 * details cannot be read still proves ownership; its `applied` is then null. */
export function readOwnership(pytin: readonly MetadataElement[] | null): OwnershipRecord | null {
  const owner = pytin?.find((e) => e.name === 'owner');
  if (!owner || owner.attributes.owner !== OWNER || !owner.attributes.address) return null;
  const record: OwnershipRecord = {
    address: owner.attributes.address,
    commit: owner.attributes.commit ?? null,
    tenant: owner.attributes.tenant ?? null,
    protected: owner.attributes.protected === 'true',
    applied: null,
  };
  const config = owner.children.find((c) => c.name === 'config');
  const vcpus = int(config?.attributes.vcpus);
  const memoryKiB = int(config?.attributes.memoryKiB);
  if (vcpus === null || memoryKiB === null) return record;
  const disks: AppliedRecord['disks'] = [];
  for (const d of owner.children.filter((c) => c.name === 'disk')) {
    const { name, pool, volume, bus } = d.attributes;
    const sizeBytes = int(d.attributes.sizeBytes);
    if (!name || !pool || !volume || !bus || !BUSES.includes(bus) || sizeBytes === null) return record;
    disks.push({ name, pool, volume, sizeBytes, bus: bus as DiskBus });
  }
  const interfaces: AppliedRecord['interfaces'] = [];
  for (const i of owner.children.filter((c) => c.name === 'interface')) {
    const { name, mac } = i.attributes;
    if (!name || !mac) return record;
    interfaces.push({
      name,
      mac: mac.toLowerCase(),
      inbound: limitOf(i.children.find((c) => c.name === 'inbound')),
      outbound: limitOf(i.children.find((c) => c.name === 'outbound')),
    });
  }
  return { ...record, applied: { vcpus, memoryKiB, disks, interfaces } };
}
