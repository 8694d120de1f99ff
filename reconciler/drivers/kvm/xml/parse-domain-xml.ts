import type { BandwidthSetting, DomainConfig, DomainDisk, DomainFacts, DomainInterface, DomainState, MetadataElement } from '../domain-facts.js';
import { attribute, child, children, type XmlElement } from './xml-element.js';

export const PYTIN_NAMESPACE = 'https://pytin.dev/ns/1';

/** libvirt's memory units to KiB (libvirt: "KB" etc. are powers of 1000, "KiB"/"k" of 1024). */
const UNIT_BYTES: Record<string, number> = {
  b: 1,
  bytes: 1,
  kb: 1e3,
  k: 1024,
  kib: 1024,
  mb: 1e6,
  m: 1024 ** 2,
  mib: 1024 ** 2,
  gb: 1e9,
  g: 1024 ** 3,
  gib: 1024 ** 3,
  tb: 1e12,
  t: 1024 ** 4,
  tib: 1024 ** 4,
};

function integer(text: string | null | undefined): number | null {
  if (text === null || text === undefined) return null;
  const trimmed = text.trim();
  return /^\d+$/.test(trimmed) ? Number(trimmed) : null;
}

function memoryKiB(element: XmlElement | undefined): number | null {
  const value = integer(element?.text);
  if (value === null || !element) return null;
  const factor = UNIT_BYTES[(element.attributes.unit ?? 'KiB').toLowerCase()];
  return factor === undefined ? null : Math.round((value * factor) / 1024);
}

function diskSource(disk: XmlElement): string | null {
  const source = child(disk, 'source');
  if (!source) return null;
  const pool = attribute(source, 'pool');
  const volume = attribute(source, 'volume');
  if (pool && volume) return `${pool}/${volume}`;
  return attribute(source, 'file') ?? attribute(source, 'dev') ?? attribute(source, 'dir') ?? attribute(source, 'name');
}

function parseDisk(disk: XmlElement): DomainDisk {
  return {
    device: attribute(disk, 'device') ?? 'disk',
    type: attribute(disk, 'type') ?? 'file',
    source: diskSource(disk),
    target: attribute(child(disk, 'target'), 'dev'),
    bus: attribute(child(disk, 'target'), 'bus'),
    format: attribute(child(disk, 'driver'), 'type'),
  };
}

function bandwidthSetting(element: XmlElement | undefined): BandwidthSetting | null {
  if (!element) return null;
  return {
    averageKiBps: integer(attribute(element, 'average')),
    peakKiBps: integer(attribute(element, 'peak')),
    burstKiB: integer(attribute(element, 'burst')),
    floorKiBps: integer(attribute(element, 'floor')),
  };
}

function parseInterface(nic: XmlElement): DomainInterface {
  const type = attribute(nic, 'type') ?? 'unknown';
  const source = child(nic, 'source');
  const bandwidth = child(nic, 'bandwidth');
  return {
    type,
    mac: attribute(child(nic, 'mac'), 'address')?.toLowerCase() ?? null,
    // A running network interface also names the bridge libvirt put it on.
    bridge: attribute(source, 'bridge'),
    network: type === 'network' ? attribute(source, 'network') : null,
    model: attribute(child(nic, 'model'), 'type'),
    targetDev: attribute(child(nic, 'target'), 'dev'),
    bandwidth: { inbound: bandwidthSetting(child(bandwidth, 'inbound')), outbound: bandwidthSetting(child(bandwidth, 'outbound')) },
  };
}

function metadataElement(element: XmlElement): MetadataElement {
  const attributes: Record<string, string> = {};
  for (const [key, value] of Object.entries(element.attributes)) {
    if (key !== 'xmlns' && !key.startsWith('xmlns:')) attributes[key] = value;
  }
  return { name: element.localName, attributes, text: element.text.trim(), children: element.children.map(metadataElement) };
}

/** virsh domstate's words. */
export function parseDomainState(text: string): DomainState {
  switch (text.trim()) {
    case 'running':
      return 'running';
    case 'idle':
    case 'blocked':
      return 'blocked';
    case 'paused':
      return 'paused';
    case 'in shutdown':
      return 'shutting-down';
    case 'shut off':
      return 'shut-off';
    case 'crashed':
      return 'crashed';
    case 'pmsuspended':
      return 'pm-suspended';
    default:
      return 'unknown';
  }
}

/** vCPUs and memory of a `<domain>`: `<vcpu current="N">` counts N (set with `setvcpus`), and
 * `<currentMemory>` is what the guest is given (set with `setmem`). */
export function parseDomainConfig(root: XmlElement): DomainConfig {
  const vcpu = child(root, 'vcpu');
  return {
    vcpu: integer((vcpu ? attribute(vcpu, 'current') : null) ?? vcpu?.text),
    memoryKiB: memoryKiB(child(root, 'memory')),
    currentMemoryKiB: memoryKiB(child(root, 'currentMemory')),
  };
}

/** One `virsh dumpxml` document to DomainFacts. Throws if it is not a <domain>. */
export function parseDomainXml(root: XmlElement, state: DomainState): DomainFacts {
  if (root.localName !== 'domain' || root.namespace !== null) throw new Error(`expected <domain>, found <${root.name}>`);
  const name = child(root, 'name')?.text.trim();
  if (!name) throw new Error('<domain> without <name>');
  const devices = child(root, 'devices');
  const pytin = (child(root, 'metadata')?.children ?? []).filter((c) => c.namespace === PYTIN_NAMESPACE).map(metadataElement);
  return {
    name,
    uuid: child(root, 'uuid')?.text.trim() ?? null,
    state,
    ...parseDomainConfig(root),
    disks: children(devices, 'disk').map(parseDisk),
    interfaces: children(devices, 'interface').map(parseInterface),
    pytin: pytin.length > 0 ? pytin : null,
  };
}
