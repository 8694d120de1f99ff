/** JSON Schemas of the records the API serves (reconciler/store/api/api-records.ts and
 * address-records.ts). They are both the response schemas fastify serialises with — a field not
 * listed here never leaves the server — and the schemas of the OpenAPI document. */

const str = { type: 'string' } as const;
const int = { type: 'integer' } as const;
const nullable = (type: 'string' | 'integer' | 'number' | 'boolean') => ({ type: [type, 'null'] });
const time = { type: ['string', 'null'], format: 'date-time' } as const;

function object(properties: Record<string, unknown>, description?: string) {
  return { type: 'object' as const, additionalProperties: false, required: Object.keys(properties), properties, ...(description ? { description } : {}) };
}

const bandwidth = {
  type: ['object', 'null'],
  additionalProperties: false,
  description: 'Limits in bits per second as written in the inventory (e.g. 100Mbit).',
  properties: { inbound: str, outbound: str, inboundPeak: str, outboundPeak: str, burst: str },
} as const;

export const ADDRESS_SCHEMA = object(
  {
    address: str,
    version: { type: 'integer', enum: [4, 6] },
    status: { type: 'string', enum: ['allocated', 'free', 'reserved', 'seen-unallocated'] },
    pool: nullable('string'),
    vrf: {
      ...nullable('string'),
      description:
        'The VRF the address is held in (the same address may be listed once per VRF), or for a seen address the VRF whose table the switch that saw it answers with (its snmp.vrf); null: the global table.',
    },
    holder: { ...nullable('string'), description: 'vm/NAME/IF, server/NAME/IF, server/NAME/shaping or pool/NAME/reservation' },
    tenant: nullable('string'),
    firstSeen: time,
    lastSeen: time,
    mac: nullable('string'),
    seenAt: {
      type: ['object', 'null'],
      additionalProperties: false,
      required: ['device', 'port', 'vlan'],
      properties: { device: str, port: nullable('string'), vlan: nullable('integer') },
      description: 'The switch and port where its MAC was last seen.',
    },
  },
  'An address with its holder and what the network showed of it.',
);

export const VM_SCHEMA = object({
  name: str,
  tenant: str,
  hypervisor: str,
  vcpus: int,
  memory: str,
  protected: { type: 'boolean' },
  disks: { type: 'array', items: object({ name: str, size: str }) },
  interfaces: { type: 'array', items: object({ name: str, mac: nullable('string'), ips: { type: 'array', items: str }, bandwidth }) },
  observed: {
    type: ['object', 'null'],
    additionalProperties: false,
    required: ['host', 'state', 'observedAt'],
    properties: { host: str, state: str, observedAt: { type: 'string', format: 'date-time' } },
    description: 'The libvirt domain as its hypervisor last showed it; null when no hypervisor shows it.',
  },
});

export const SERVER_SCHEMA = object({
  name: str,
  rack: str,
  position: int,
  height: int,
  roles: { type: 'array', items: str },
  serial: nullable('string'),
  model: nullable('string'),
  interfaces: {
    type: 'array',
    items: object({
      name: str,
      mac: nullable('string'),
      speed: nullable('string'),
      cabledTo: { type: ['object', 'null'], additionalProperties: false, required: ['switch', 'port'], properties: { switch: str, port: str } },
      ips: { type: 'array', items: str },
    }),
  },
});

export const RACK_SCHEMA = object({
  name: str,
  datacenter: str,
  row: nullable('string'),
  units: int,
  usedUnits: int,
  layout: {
    type: 'array',
    description: 'Every unit from 1, with what occupies it.',
    items: object({
      unit: int,
      occupant: {
        type: ['object', 'null'],
        additionalProperties: false,
        required: ['kind', 'name'],
        properties: { kind: { type: 'string', enum: ['server', 'switch'] }, name: str },
      },
    }),
  },
});

const count = { type: 'string', pattern: '^[0-9]+$', description: 'A count as a decimal string (IPv6 pools exceed JSON numbers).' };

export const POOL_SCHEMA = object({
  name: str,
  datacenter: { ...nullable('string'), description: 'The one datacenter the pool is routed in; null when it is routed in several (datacenters) or in any.' },
  datacenters: { type: 'array', items: str, description: 'Every datacenter the pool is routed in; empty: any datacenter.' },
  vrf: { ...nullable('string'), description: 'The VRF the pool is routed in; null: the global table. Pools of different VRFs may overlap.' },
  cidr: str,
  range: nullable('string'),
  gateway: nullable('string'),
  vlan: nullable('integer'),
  size: count,
  allocated: int,
  reserved: int,
  free: count,
  utilisation: { type: 'number', minimum: 0, maximum: 1 },
});

export const BACKUP_SCHEMA = object({
  name: str,
  host: str,
  source: nullable('string'),
  perUserHome: nullable('string'),
  target: str,
  iterations: int,
  keepSequences: int,
  schedule: str,
  observed: {
    type: ['object', 'null'],
    additionalProperties: false,
    required: ['installed', 'series', 'observedAt'],
    properties: {
      installed: { type: 'boolean' },
      series: { type: ['array', 'null'], items: { type: 'object', additionalProperties: true } },
      observedAt: { type: 'string', format: 'date-time' },
    },
  },
});

const tenantSummary = {
  name: str,
  displayName: nullable('string'),
  billingId: str,
  contact: nullable('string'),
  vms: int,
  servers: { ...int, description: 'Dedicated servers rented to the tenant.' },
  racks: { ...int, description: 'Whole racks rented to the tenant (colocation).' },
  rackUnitRanges: { ...int, description: 'Ranges of rack units rented to the tenant (a colocation half-rack).' },
  devices: { ...int, description: 'Racked devices (firewalls, PDUs, ...) the tenant owns or rents.' },
  networks: { ...int, description: 'Pools rented whole and subnets routed whole to the tenant.' },
  addresses: { ...int, description: "Single addresses: its VMs', servers' and devices', its reservations and its shaping limits." },
};

export const TENANT_SUMMARY_SCHEMA = object(tenantSummary);

export const TENANT_SCHEMA = object({
  ...tenantSummary,
  vmRecords: { type: 'array', items: VM_SCHEMA },
  serverNames: { type: 'array', items: str, description: 'Dedicated servers rented to the tenant.' },
  rackNames: { type: 'array', items: str, description: 'Whole racks rented to the tenant.' },
  rackUnits: {
    type: 'array',
    description: 'Rack units rented to the tenant (colocation), from and to inclusive; face null: both faces.',
    items: object({ rack: str, from: int, to: int, face: { type: ['string', 'null'], enum: ['front', 'rear', null] }, reason: str }),
  },
  deviceNames: { type: 'array', items: str, description: 'Racked devices the tenant owns or rents.' },
  networkRecords: {
    type: 'array',
    description: 'Pools rented whole (customer networks) and subnets routed whole, with their VRF and the server a subnet is routed to.',
    items: object({ pool: str, cidr: str, vrf: nullable('string'), routedTo: nullable('string') }),
  },
  vrfNames: { type: 'array', items: str, description: 'VRFs kept for the tenant (its private routing tables).' },
  addressRecords: {
    type: 'array',
    items: object({
      address: str,
      vrf: { ...nullable('string'), description: 'The VRF it is held in; null: the global table.' },
      holder: str,
      status: { type: 'string', enum: ['allocated', 'reserved'] },
      pool: nullable('string'),
      lastSeen: { ...time, description: "When a switch answering with the address's VRF last saw it." },
    }),
  },
  limits: { type: 'array', items: object({ on: str, bandwidth: { ...bandwidth, type: 'object' } }) },
  backups: { type: 'array', items: BACKUP_SCHEMA },
});

export const RUN_SCHEMA = object({
  id: int,
  commit: nullable('string'),
  holder: str,
  startedAt: { type: 'string', format: 'date-time' },
  finishedAt: time,
  status: { type: 'string', enum: ['running', 'succeeded', 'failed'] },
  plan: {
    type: ['object', 'null'],
    additionalProperties: false,
    required: ['add', 'change', 'destroy', 'drift'],
    properties: { add: int, change: int, destroy: int, drift: int },
    description: "The applied plan's summary; null for a run recorded before plans were kept.",
  },
  outcomes: object({ applied: int, failed: int, skipped: int }),
});
