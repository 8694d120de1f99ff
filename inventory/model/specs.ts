/** The spec of each inventory kind as the schema admits it, defaults filled in (schemas/*.schema.json
 * is the contract; these types mirror it). Values are as written: MACs, IPs and units are
 * normalised in the DesiredState (desired-state.ts), not here. */

export interface SecretRef {
  env?: string;
  file?: string;
}

export interface CommonSpec {
  kind: string;
  name: string;
  description?: string;
  labels?: Record<string, string>;
}

export interface RackPlacement {
  rack: string;
  position: number;
  height: number;
  /** Absent: the device takes both faces of its units (unless halfDepth, then the front). */
  face?: 'front' | 'rear';
  halfDepth?: boolean;
}

/** An address a switch, router or any racked device holds itself (management, loopback). */
export interface HeldAddressSpec {
  name: string;
  ip: string;
  role: 'management' | 'loopback' | 'other';
  /** The VRF the address is routed in (absent: found from the pools that contain it). */
  vrf?: string;
}

export interface RackUnitReservation {
  from: number;
  to: number;
  reason: string;
  tenant?: string;
  face?: 'front' | 'rear';
}

export interface Cabling {
  switch: string;
  port: string;
}

export interface BandwidthLimitsSpec {
  inbound?: string;
  outbound?: string;
  inboundPeak?: string;
  outboundPeak?: string;
  burst?: string;
}

export interface DatacenterSpec extends CommonSpec {
  kind: 'Datacenter';
  displayName?: string;
  location?: string;
  timezone?: string;
}

export interface RackSpec extends CommonSpec {
  kind: 'Rack';
  displayName?: string;
  datacenter: string;
  units: number;
  row?: string;
  /** A whole rack rented to a tenant (colocation). */
  tenant?: string;
  reservations?: RackUnitReservation[];
  powerFeeds?: Array<{ name: string; capacity: number }>;
}

export interface SwitchSpec extends CommonSpec {
  kind: 'Switch';
  displayName?: string;
  placement: RackPlacement;
  powerDraw?: number;
  addresses?: HeldAddressSpec[];
  model?: string;
  serial?: string;
  /** `host` is filled in from the held address `address` names (validate-inventory.ts). */
  /** `vrf`: the VRF whose ARP table the agent answers with (absent: the global table). */
  snmp?: {
    host: string;
    address?: string;
    port: number;
    credentials: string;
    timeoutMs: number;
    retries: number;
    vlanCommunityIndexing: boolean;
    vrf?: string;
  };
  ports: Array<{ name: string; speed?: string; description?: string }>;
  uplinks?: Array<{ port: string; to: Cabling }>;
}

export type ServerRole = 'hypervisor' | 'backup-node' | 'shared-host' | 'storage' | 'router';

export interface InterfaceSpec {
  name: string;
  mac?: string;
  speed?: string;
  cabledTo?: Cabling;
  ips?: string[];
  /** The VRF the interface's addresses are routed in (absent: found from the pools that contain them). */
  vrf?: string;
}

/** The libvirt URI of a hypervisor that has no libvirt section (the schema's documented default). */
export const DEFAULT_LIBVIRT_URI = 'qemu:///system';

export interface ServerSpec extends CommonSpec {
  kind: 'Server';
  displayName?: string;
  placement: RackPlacement;
  /** A dedicated server rented to a tenant. */
  tenant?: string;
  powerDraw?: number;
  serial?: string;
  model?: string;
  roles?: ServerRole[];
  ssh?: { host: string; port: number; endpoint: string };
  capacity?: { vcpus: number; memory: string; cpuOvercommit: number; memoryOvercommit: number };
  libvirt?: { uri: string; bridge?: string };
  shaping?: { interfaces: string[]; limits?: Array<{ ip: string; tenant?: string; vrf?: string; bandwidth: BandwidthLimitsSpec }> };
  interfaces?: InterfaceSpec[];
  backupAgent?: { command: string; cronDir: string; scheduler?: 'cron' | 'systemd'; unitDir?: string };
}

export interface IPPoolSpec extends CommonSpec {
  kind: 'IPPool';
  displayName?: string;
  /** A pool rented whole to a tenant (a customer network). */
  tenant?: string;
  /** Where the pool is routed: one datacenter, several (`datacenters`), or neither (any); see pool-datacenters.ts. */
  datacenter?: string;
  datacenters?: string[];
  /** The VRF the pool is routed in (absent: the global table). */
  vrf?: string;
  cidr: string;
  range?: string;
  gateway?: string;
  dns?: string[];
  vlan?: number;
  reserved?: string[];
  /** `reservedAt`: YYYY-MM-DD (format pytin-date). */
  reservations?: Array<{ ip: string; tenant?: string; reservedAt?: string; note?: string }>;
  /** The Aggregate the pool is carved from. */
  aggregate?: string;
  /** A subnet routed whole to a customer (its server, its tenant): no address of it is held or handed out. */
  routed?: { server?: string; nextHop?: string };
}

export interface VMInterfaceSpec {
  name: string;
  mac?: string;
  bridge?: string;
  ips?: string[];
  vrf?: string;
  bandwidth?: BandwidthLimitsSpec;
}

export interface VMSpec extends CommonSpec {
  kind: 'VM';
  tenant: string;
  hypervisor: string;
  vcpus: number;
  memory: string;
  protected: boolean;
  disks: Array<{ name: string; size: string; bus: 'virtio' | 'scsi' | 'sata'; pool: string }>;
  install?: { template: string; tree: string };
  interfaces: VMInterfaceSpec[];
}

export interface BackupPolicySpec extends CommonSpec {
  kind: 'BackupPolicy';
  host: string;
  source?: string;
  perUserHome?: string;
  target: string;
  iterations: number;
  keepSequences: number;
  schedule: string;
  exclude?: string[];
  compression: 'gzip' | 'zstd' | 'pigz';
}

export interface TenantSpec extends CommonSpec {
  kind: 'Tenant';
  displayName?: string;
  billingId: string;
  contact?: string;
  sshKeys?: string[];
}

export interface SnmpCredentialsSpec extends CommonSpec {
  kind: 'SnmpCredentials';
  version: 'v1' | 'v2c' | 'v3';
  community?: SecretRef;
  user?: string;
  authProtocol?: 'md5' | 'sha' | 'sha224' | 'sha256' | 'sha384' | 'sha512';
  authKey?: SecretRef;
  privProtocol?: 'des' | 'aes' | 'aes256b' | 'aes256r';
  privKey?: SecretRef;
}

export interface SshEndpointSpec extends CommonSpec {
  kind: 'SshEndpoint';
  user: string;
  privateKey: SecretRef;
  connectTimeoutMs: number;
  commandTimeoutMs: number;
}

export interface ZabbixConnectionSpec extends CommonSpec {
  kind: 'ZabbixConnection';
  url: string;
  username?: string;
  password?: SecretRef;
  token?: SecretRef;
  hostGroup: string;
  /** Template names by role (a server role, `switch`, `vm`, `server`). */
  templates?: Record<string, string[]>;
}

export interface StoreSpec extends CommonSpec {
  kind: 'Store';
  /** No longer read: the store's location is operator configuration (rule INV_RULE_OPERATOR_SETTING). */
  path?: string;
  lastSeenWarningDays: number;
  reservationWarningDays: number;
}

export type DeviceType = 'pdu' | 'patch-panel' | 'firewall' | 'kvm-console' | 'router' | 'load-balancer' | 'storage' | 'cable-manager' | 'blank' | 'other';

/** Any other racked device (PDU, patch panel, firewall, ...): units, addresses, power; never connected to. */
export interface DeviceSpec extends CommonSpec {
  kind: 'Device';
  displayName?: string;
  type: DeviceType;
  placement: RackPlacement;
  model?: string;
  serial?: string;
  tenant?: string;
  powerDraw?: number;
  addresses?: HeldAddressSpec[];
}

/** A parent block of address space that pools sit inside. */
export interface AggregateSpec extends CommonSpec {
  kind: 'Aggregate';
  displayName?: string;
  cidr: string;
  rir?: string;
  vrf?: string;
}

/** A routing table of its own: its pools may overlap those of other VRFs and of the global table. */
export interface VRFSpec extends CommonSpec {
  kind: 'VRF';
  displayName?: string;
  tenant?: string;
  rd?: string;
}

export type ResourceSpec =
  | DatacenterSpec
  | RackSpec
  | SwitchSpec
  | ServerSpec
  | IPPoolSpec
  | VMSpec
  | BackupPolicySpec
  | TenantSpec
  | SnmpCredentialsSpec
  | SshEndpointSpec
  | ZabbixConnectionSpec
  | StoreSpec
  | DeviceSpec
  | AggregateSpec
  | VRFSpec;
