import { InternalError } from '../../../../inventory/core/errors.js';
import type { JsonValue } from '../../../../inventory/core/json-value.js';
import type { HostStrategy, InstallMethod } from './install-strategy.js';

/** One direction of an interface limit, in libvirt's units (see kvm-units.ts). */
export interface RateLimit {
  average: number;
  peak: number | null;
  burst: number | null;
}

export type DiskBus = 'virtio' | 'scsi' | 'sata';

export interface DomainDiskSpec {
  name: string;
  pool: string;
  /** `<vm>-<disk>`: unique per VM, so deleting a VM's volumes can never hit another VM's. */
  volume: string;
  sizeBytes: number;
  bus: DiskBus;
  /** vda, vdb (virtio) or sda, sdb (scsi, sata), in disk order. */
  target: string;
}

export interface DomainInterfaceSpec {
  name: string;
  mac: string;
  bridge: string;
  /** Towards the guest. */
  inbound: RateLimit | null;
  /** From the guest. */
  outbound: RateLimit | null;
}

/** Everything pytin needs to create or change one domain: the VM compiled for its hypervisor.
 * Plain JSON (no secrets: SSH public keys and the rendered kickstart only), because it travels
 * in a Change's `after` to apply, which must not read the inventory again. */
export interface DomainSpec {
  name: string;
  /** `vm/<name>` */
  address: string;
  tenant: string;
  hypervisor: string;
  uri: string;
  strategy: HostStrategy;
  vcpus: number;
  memoryKiB: number;
  protected: boolean;
  disks: DomainDiskSpec[];
  interfaces: DomainInterfaceSpec[];
  /** Only used to create the domain on virt-install hosts; never compared. */
  install: { tree: string; kickstart: string } | null;
}

export function rateLimitJson(limit: RateLimit | null): JsonValue {
  return limit ? { average: limit.average, peak: limit.peak, burst: limit.burst } : null;
}

export function domainSpecJson(spec: DomainSpec): JsonValue {
  return {
    name: spec.name,
    address: spec.address,
    tenant: spec.tenant,
    hypervisor: spec.hypervisor,
    uri: spec.uri,
    strategy: { install: spec.strategy.install, provisionVolumes: spec.strategy.provisionVolumes },
    vcpus: spec.vcpus,
    memoryKiB: spec.memoryKiB,
    protected: spec.protected,
    disks: spec.disks.map((d) => ({ name: d.name, pool: d.pool, volume: d.volume, sizeBytes: d.sizeBytes, bus: d.bus, target: d.target })),
    interfaces: spec.interfaces.map((i) => ({
      name: i.name,
      mac: i.mac,
      bridge: i.bridge,
      inbound: rateLimitJson(i.inbound),
      outbound: rateLimitJson(i.outbound),
    })),
    install: spec.install ? { tree: spec.install.tree, kickstart: spec.install.kickstart } : null,
  };
}

// Decoding: a Change comes back from a saved plan file, so its `after` is checked, not trusted.
// A malformed one is a bug (pytin wrote it), hence InternalError.

type JsonObject = { [key: string]: JsonValue };

function object(value: JsonValue | undefined, what: string): JsonObject {
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) throw new InternalError(`${what}: expected an object`);
  return value;
}
function string(o: JsonObject, key: string): string {
  const v = o[key];
  if (typeof v !== 'string') throw new InternalError(`${key}: expected a string`);
  return v;
}
function number(o: JsonObject, key: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new InternalError(`${key}: expected a non-negative integer`);
  return v;
}
function nullableNumber(o: JsonObject, key: string): number | null {
  return o[key] === null || o[key] === undefined ? null : number(o, key);
}
function array(o: JsonObject, key: string): JsonValue[] {
  const v = o[key];
  if (!Array.isArray(v)) throw new InternalError(`${key}: expected an array`);
  return v;
}

export function rateLimitFromJson(value: JsonValue | undefined): RateLimit | null {
  if (value === null || value === undefined) return null;
  const o = object(value, 'rate limit');
  return { average: number(o, 'average'), peak: nullableNumber(o, 'peak'), burst: nullableNumber(o, 'burst') };
}

const BUSES: readonly DiskBus[] = ['virtio', 'scsi', 'sata'];
const METHODS: readonly InstallMethod[] = ['define', 'virt-install'];

export function domainSpecFromJson(value: JsonValue | null): DomainSpec {
  const o = object(value ?? undefined, 'domain spec');
  const strategy = object(o.strategy, 'strategy');
  const install = string(strategy, 'install');
  if (!METHODS.includes(install as InstallMethod)) throw new InternalError(`unknown install method ${install}`);
  const installObject = o.install === null || o.install === undefined ? null : object(o.install, 'install');
  return {
    name: string(o, 'name'),
    address: string(o, 'address'),
    tenant: string(o, 'tenant'),
    hypervisor: string(o, 'hypervisor'),
    uri: string(o, 'uri'),
    strategy: { install: install as InstallMethod, provisionVolumes: strategy.provisionVolumes === true },
    vcpus: number(o, 'vcpus'),
    memoryKiB: number(o, 'memoryKiB'),
    protected: o.protected === true,
    disks: array(o, 'disks').map((d) => {
      const disk = object(d, 'disk');
      const bus = string(disk, 'bus');
      if (!BUSES.includes(bus as DiskBus)) throw new InternalError(`unknown disk bus ${bus}`);
      return {
        name: string(disk, 'name'),
        pool: string(disk, 'pool'),
        volume: string(disk, 'volume'),
        sizeBytes: number(disk, 'sizeBytes'),
        bus: bus as DiskBus,
        target: string(disk, 'target'),
      };
    }),
    interfaces: array(o, 'interfaces').map((i) => {
      const nic = object(i, 'interface');
      return {
        name: string(nic, 'name'),
        mac: string(nic, 'mac'),
        bridge: string(nic, 'bridge'),
        inbound: rateLimitFromJson(nic.inbound),
        outbound: rateLimitFromJson(nic.outbound),
      };
    }),
    install: installObject ? { tree: string(installObject, 'tree'), kickstart: string(installObject, 'kickstart') } : null,
  };
}
