import type { Address } from '../../../inventory/core/address.js';
import type { Diagnostic } from '../../../inventory/core/diagnostic.js';
import type { Desired, DesiredState } from '../../../inventory/model/desired-state.js';
import { resourcesOfKind } from '../../../inventory/model/desired-state.js';
import type {
  DatacenterSpec,
  RackSpec,
  ResourceSpec,
  ServerSpec,
  SnmpCredentialsSpec,
  SwitchSpec,
  VMSpec,
  ZabbixConnectionSpec,
} from '../../../inventory/model/specs.js';
import { DEFAULT_SNMP_AUTH_PROTOCOL, DEFAULT_SNMP_PRIV_PROTOCOL, type SnmpAuthProtocol, type SnmpPrivProtocol } from '../../transports/snmp/snmp-target.js';
import { ownedUuid } from './zabbix-uuid.js';

/** Zabbix interface types as the API numbers them. */
export const INTERFACE_AGENT = '1';
export const INTERFACE_SNMP = '2';

/** SNMPv3 protocols as the API numbers them (ITEM_SNMPV3_AUTHPROTOCOL_* and _PRIVPROTOCOL_* in the
 * frontend's defines.inc.php, the same in 6.0 and 7.0). Without them Zabbix polls with MD5 and DES
 * whatever the switch wants. 256-bit AES: "Blumenthal" key localization is Zabbix's AES256,
 * "Reeder" (Cisco's) its AES256C. */
const ZABBIX_AUTH_PROTOCOL: Record<SnmpAuthProtocol, string> = { md5: '0', sha: '1', sha224: '2', sha256: '3', sha384: '4', sha512: '5' };
const ZABBIX_PRIV_PROTOCOL: Record<SnmpPrivProtocol, string> = { des: '0', aes: '1', aes256b: '3', aes256r: '5' };

/** One host interface as pytin publishes it and as it is compared: strings, as Zabbix returns them. */
export interface ZabbixInterfaceSpec {
  type: typeof INTERFACE_AGENT | typeof INTERFACE_SNMP;
  ip: string;
  port: string;
  /** SNMP only: version, bulk and the credentials as user macros (never a literal secret). */
  details?: Record<string, string>;
}

/** A Zabbix host as pytin wants it: every field already in the form Zabbix answers with. */
export interface ZabbixHostSpec {
  /** The inventory address the host stands for (its `pytin-key` tag). */
  key: Address;
  host: string;
  groups: string[];
  interfaces: ZabbixInterfaceSpec[];
  tags: Array<{ tag: string; value: string }>;
  inventory: Record<string, string>;
  templates: string[];
}

export interface ZabbixGroupSpec {
  name: string;
  uuid: string;
}

export interface DesiredZabbix {
  groups: ZabbixGroupSpec[];
  hosts: ZabbixHostSpec[];
  /** Every template name the settings link, for the one template.get. */
  templates: string[];
  diagnostics: Diagnostic[];
}

/** The inventory fields pytin writes (and the only ones it compares). */
export const MANAGED_INVENTORY_FIELDS = ['serialno_a', 'model', 'location', 'site_rack', 'site_notes'] as const;

function byName<S extends ResourceSpec>(items: Array<Desired<S>>): Map<string, Desired<S>> {
  return new Map(items.map((i) => [i.name, i]));
}

function sortedTags(tags: Array<{ tag: string; value: string }>): Array<{ tag: string; value: string }> {
  const unique = new Map(tags.map((t) => [`${t.tag}\u0000${t.value}`, t]));
  return [...unique.values()].sort((a, b) => a.tag.localeCompare(b.tag) || a.value.localeCompare(b.value));
}

function firstIp(interfaces: ReadonlyArray<{ ips?: string[] }> | undefined): string | undefined {
  const ips = (interfaces ?? []).flatMap((i) => i.ips ?? []);
  return ips.find((ip) => !ip.includes(':')) ?? ips[0];
}

/** What the inventory publishes to Zabbix: host groups per datacenter, rack, tenant and role (and
 * the base group), a host per server, switch and VM with its interfaces, tags, inventory fields
 * and templates by role. Pure. */
export function desiredZabbix(state: DesiredState, settings: ZabbixConnectionSpec): DesiredZabbix {
  const prefix = settings.hostGroup;
  const templatesByRole = settings.templates ?? {};
  const racks = byName(resourcesOfKind<RackSpec>(state, 'Rack'));
  const datacenters = byName(resourcesOfKind<DatacenterSpec>(state, 'Datacenter'));
  const credentials = byName(resourcesOfKind<SnmpCredentialsSpec>(state, 'SnmpCredentials'));
  const servers = resourcesOfKind<ServerSpec>(state, 'Server');
  const serverByName = new Map(servers.map((s) => [s.name, s]));
  const groups = new Set<string>([prefix]);
  const hosts: ZabbixHostSpec[] = [];
  const diagnostics: Diagnostic[] = [];

  const placeOf = (rackName: string | undefined) => {
    const rack = rackName ? racks.get(rackName) : undefined;
    const datacenter = rack ? datacenters.get(rack.spec.datacenter) : undefined;
    return { rack: rack?.name, datacenter: datacenter?.name, location: datacenter ? (datacenter.spec.location ?? datacenter.name) : undefined };
  };
  const add = (
    resource: Desired,
    roles: string[],
    extra: { tenant?: string; rack?: string; unit?: string; serial?: string; model?: string },
    interfaces: ZabbixInterfaceSpec[],
  ) => {
    const place = placeOf(extra.rack);
    const hostGroups = [prefix];
    if (place.datacenter) hostGroups.push(`${prefix}/datacenter/${place.datacenter}`);
    if (place.rack) hostGroups.push(`${prefix}/rack/${place.rack}`);
    if (extra.tenant) hostGroups.push(`${prefix}/tenant/${extra.tenant}`);
    for (const role of roles) hostGroups.push(`${prefix}/role/${role}`);
    for (const g of hostGroups) groups.add(g);
    const tags = [
      { tag: 'managed-by', value: 'pytin' },
      { tag: 'pytin-key', value: resource.address },
      ...roles.map((role) => ({ tag: 'role', value: role })),
      ...(extra.tenant ? [{ tag: 'tenant', value: extra.tenant }] : []),
      ...(place.rack ? [{ tag: 'rack', value: place.rack }] : []),
      ...(place.datacenter ? [{ tag: 'datacenter', value: place.datacenter }] : []),
    ];
    const inventory: Record<string, string> = {};
    if (extra.serial) inventory.serialno_a = extra.serial;
    if (extra.model) inventory.model = extra.model;
    if (place.location) inventory.location = place.location;
    if (place.rack) inventory.site_rack = place.rack;
    if (extra.unit) inventory.site_notes = extra.unit;
    const templates = new Set<string>();
    for (const role of roles) for (const t of templatesByRole[role] ?? []) templates.add(t);
    hosts.push({
      key: resource.address,
      host: resource.name,
      groups: [...new Set(hostGroups)].sort(),
      interfaces,
      tags: sortedTags(tags),
      inventory,
      templates: [...templates].sort(),
    });
  };

  for (const server of servers) {
    const ip = firstIp(server.spec.interfaces);
    const p = server.spec.placement;
    add(
      server,
      ['server', ...(server.spec.roles ?? [])],
      {
        rack: p.rack,
        unit: `U${p.position}-U${p.position + p.height - 1}`,
        ...(server.spec.serial ? { serial: server.spec.serial } : {}),
        ...(server.spec.model ? { model: server.spec.model } : {}),
      },
      ip ? [{ type: INTERFACE_AGENT, ip, port: '10050' }] : [],
    );
  }
  for (const sw of resourcesOfKind<SwitchSpec>(state, 'Switch')) {
    const p = sw.spec.placement;
    const interfaces: ZabbixInterfaceSpec[] = [];
    const creds = sw.spec.snmp ? credentials.get(sw.spec.snmp.credentials) : undefined;
    if (sw.spec.snmp && creds) {
      // The credentials travel as user macros (never a literal here): pytin sets them on the host
      // as secret macros from the trusted credentials (secret-macros.ts).
      const details: Record<string, string> =
        creds.spec.version === 'v1'
          ? { version: '1', bulk: '0', community: '{$SNMP_COMMUNITY}' }
          : creds.spec.version === 'v2c'
            ? { version: '2', bulk: '1', community: '{$SNMP_COMMUNITY}' }
            : {
                version: '3',
                bulk: '1',
                securityname: creds.spec.user ?? '',
                securitylevel: creds.spec.privKey ? '2' : creds.spec.authKey ? '1' : '0',
                authpassphrase: creds.spec.authKey ? '{$SNMPV3_AUTHPASS}' : '',
                privpassphrase: creds.spec.privKey ? '{$SNMPV3_PRIVPASS}' : '',
                ...(creds.spec.authKey ? { authprotocol: ZABBIX_AUTH_PROTOCOL[creds.spec.authProtocol ?? DEFAULT_SNMP_AUTH_PROTOCOL] } : {}),
                ...(creds.spec.privKey ? { privprotocol: ZABBIX_PRIV_PROTOCOL[creds.spec.privProtocol ?? DEFAULT_SNMP_PRIV_PROTOCOL] } : {}),
              };
      interfaces.push({ type: INTERFACE_SNMP, ip: sw.spec.snmp.host, port: String(sw.spec.snmp.port), details });
    }
    add(
      sw,
      ['switch'],
      {
        rack: p.rack,
        unit: `U${p.position}-U${p.position + (p.height ?? 1) - 1}`,
        ...(sw.spec.serial ? { serial: sw.spec.serial } : {}),
        ...(sw.spec.model ? { model: sw.spec.model } : {}),
      },
      interfaces,
    );
  }
  for (const vm of resourcesOfKind<VMSpec>(state, 'VM')) {
    const hypervisor = serverByName.get(vm.spec.hypervisor);
    const ip = firstIp(vm.spec.interfaces);
    add(
      vm,
      ['vm'],
      { tenant: vm.spec.tenant, ...(hypervisor ? { rack: hypervisor.spec.placement.rack } : {}) },
      ip ? [{ type: INTERFACE_AGENT, ip, port: '10050' }] : [],
    );
  }

  // Zabbix host names are unique across kinds; the inventory's are unique per kind only.
  const seen = new Map<string, Address>();
  const unique: ZabbixHostSpec[] = [];
  for (const host of hosts) {
    const first = seen.get(host.host);
    if (first) {
      diagnostics.push({
        severity: 'error',
        code: 'PLAN_ZABBIX_NAME_COLLISION',
        summary: `${host.key} and ${first} would both be the Zabbix host "${host.host}"; ${host.key} is not published`,
        address: host.key,
      });
      continue;
    }
    seen.set(host.host, host.key);
    unique.push(host);
  }
  const templates = [...new Set(Object.values(templatesByRole).flat())].sort();
  return { groups: [...groups].sort().map((name) => ({ name, uuid: ownedUuid('hostgroup', name) })), hosts: unique, templates, diagnostics };
}
