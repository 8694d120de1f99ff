/** The kinds of inventory documents, each with its schema file and its address prefix. */
export const KINDS = {
  Datacenter: { schemaFile: 'datacenter.schema.json', addressPrefix: 'datacenter' },
  Rack: { schemaFile: 'rack.schema.json', addressPrefix: 'rack' },
  Switch: { schemaFile: 'switch.schema.json', addressPrefix: 'switch' },
  Server: { schemaFile: 'server.schema.json', addressPrefix: 'server' },
  IPPool: { schemaFile: 'ippool.schema.json', addressPrefix: 'pool' },
  VM: { schemaFile: 'vm.schema.json', addressPrefix: 'vm' },
  BackupPolicy: { schemaFile: 'backuppolicy.schema.json', addressPrefix: 'backup' },
  Tenant: { schemaFile: 'tenant.schema.json', addressPrefix: 'tenant' },
  SnmpCredentials: { schemaFile: 'snmpcredentials.schema.json', addressPrefix: 'snmp-credentials' },
  SshEndpoint: { schemaFile: 'sshendpoint.schema.json', addressPrefix: 'ssh-endpoint' },
  ZabbixConnection: { schemaFile: 'zabbixconnection.schema.json', addressPrefix: 'zabbix' },
  Store: { schemaFile: 'store.schema.json', addressPrefix: 'store' },
  Device: { schemaFile: 'device.schema.json', addressPrefix: 'device' },
  Aggregate: { schemaFile: 'aggregate.schema.json', addressPrefix: 'aggregate' },
  VRF: { schemaFile: 'vrf.schema.json', addressPrefix: 'vrf' },
} as const;

export type Kind = keyof typeof KINDS;

export const KIND_NAMES = Object.keys(KINDS) as Kind[];

export function isKind(value: unknown): value is Kind {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(KINDS, value);
}

/** Files `pytin schema` publishes: the common definitions, one per kind, and the any-document schema. */
/** The operator's configuration (outside git): not an inventory kind. */
export const OPERATOR_CONFIG_SCHEMA = 'operator-config.schema.json';

export const SCHEMA_FILES = ['common.schema.json', 'inventory.schema.json', ...KIND_NAMES.map((k) => KINDS[k].schemaFile), OPERATOR_CONFIG_SCHEMA];
