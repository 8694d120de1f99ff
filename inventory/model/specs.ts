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
  location?: string;
  timezone?: string;
}

export interface RackSpec extends CommonSpec {
  kind: 'Rack';
  datacenter: string;
  units: number;
  row?: string;
}

export interface SwitchSpec extends CommonSpec {
  kind: 'Switch';
  placement: RackPlacement;
  model?: string;
  serial?: string;
  snmp?: { host: string; port: number; credentials: string; timeoutMs: number; retries: number };
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
}

/** The libvirt URI of a hypervisor that has no libvirt section (the schema's documented default). */
export const DEFAULT_LIBVIRT_URI = 'qemu:///system';

export interface ServerSpec extends CommonSpec {
  kind: 'Server';
  placement: RackPlacement;
  serial?: string;
  model?: string;
  roles?: ServerRole[];
  ssh?: { host: string; port: number; endpoint: string };
  capacity?: { vcpus: number; memory: string; cpuOvercommit: number; memoryOvercommit: number };
  libvirt?: { uri: string; bridge?: string };
  shaping?: { interfaces: string[]; limits?: Array<{ ip: string; tenant?: string; bandwidth: BandwidthLimitsSpec }> };
  interfaces?: InterfaceSpec[];
  backupAgent?: { command: string; cronDir: string };
}

export interface IPPoolSpec extends CommonSpec {
  kind: 'IPPool';
  datacenter: string;
  cidr: string;
  range?: string;
  gateway?: string;
  dns?: string[];
  vlan?: number;
  reserved?: string[];
  reservations?: Array<{ ip: string; tenant?: string; note?: string }>;
}

export interface VMInterfaceSpec {
  name: string;
  mac?: string;
  bridge?: string;
  ips?: string[];
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
  version: 'v2c' | 'v3';
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
}

export interface StoreSpec extends CommonSpec {
  kind: 'Store';
  /** No longer read: the store's location is operator configuration (rule INV_RULE_OPERATOR_SETTING). */
  path?: string;
  lastSeenWarningDays: number;
  reservationWarningDays: number;
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
  | StoreSpec;
