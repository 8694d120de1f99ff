import type { JsonValue } from '../../../inventory/core/json-value.js';
import { MANAGED_INVENTORY_FIELDS, type ZabbixHostSpec, type ZabbixInterfaceSpec } from './desired-zabbix.js';
import type { ObservedZabbixHost } from './zabbix-facts.js';

/** A host as the plan shows and compares it: normalised so that what Zabbix returns for an
 * unchanged host equals what pytin wants — groups, tags and templates as sorted sets,
 * interfaces by type and address (ids and Zabbix's extra detail fields left out), only the
 * inventory fields pytin writes, an empty visible name equal to the technical name. Key order
 * is fixed: the view's JSON text is compared with the state recorded at the last apply. */
export interface HostView {
  host: string;
  name: string;
  groups: string[];
  interfaces: string[];
  tags: string[];
  inventory: Record<string, string>;
  templates: string[];
  [key: string]: JsonValue;
}

const TYPE_NAMES: Record<string, string> = { '1': 'agent', '2': 'snmp', '3': 'ipmi', '4': 'jmx' };

function interfaceText(i: { type: string; ip: string; port: string }, details: Record<string, string> | undefined, compareKeys: readonly string[]): string {
  const shown = compareKeys.filter((k) => details?.[k] !== undefined).map((k) => `${k}=${details![k]}`);
  return `${TYPE_NAMES[i.type] ?? `type-${i.type}`} ${i.ip}:${i.port}${shown.length ? ` ${shown.join(',')}` : ''}`;
}

/** The detail fields pytin sets on an SNMP interface (the others keep Zabbix's defaults). */
function detailKeys(type: string): string[] {
  return type === '2'
    ? ['version', 'bulk', 'community', 'securityname', 'securitylevel', 'authpassphrase', 'privpassphrase', 'authprotocol', 'privprotocol']
    : [];
}

/** The detail fields of an interface that pytin compares (those it sets). */
export function comparedDetails(type: string, details: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    detailKeys(type)
      .filter((k) => details[k] !== undefined)
      .map((k) => [k, details[k]!]),
  );
}

function sortedInventory(inventory: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const field of MANAGED_INVENTORY_FIELDS) if (inventory[field]) out[field] = inventory[field];
  return out;
}

export function desiredView(spec: ZabbixHostSpec): HostView {
  return {
    host: spec.host,
    name: spec.host,
    groups: [...spec.groups].sort(),
    interfaces: spec.interfaces.map((i: ZabbixInterfaceSpec) => interfaceText(i, i.details, detailKeys(i.type))).sort(),
    tags: spec.tags.map((t) => `${t.tag}=${t.value}`).sort(),
    inventory: sortedInventory(spec.inventory),
    templates: [...spec.templates].sort(),
  };
}

/** `wanted` decides which SNMP detail keys count: Zabbix returns all of them, pytin sets some. */
export function observedView(host: ObservedZabbixHost, wanted: ZabbixHostSpec | undefined): HostView {
  // In detailKeys' order, as desiredView shows them, whatever order the spec's details were built in.
  const wantedDetails = new Map<string, string[]>(
    (wanted?.interfaces ?? []).map((i) => [i.type, detailKeys(i.type).filter((k) => i.details?.[k] !== undefined)]),
  );
  return {
    host: host.host,
    name: host.name === '' ? host.host : host.name,
    groups: host.groups.map((g) => g.name).sort(),
    interfaces: host.interfaces.map((i) => interfaceText(i, i.details, wantedDetails.get(i.type) ?? detailKeys(i.type))).sort(),
    tags: host.tags.map((t) => `${t.tag}=${t.value}`).sort(),
    inventory: sortedInventory(host.inventoryMode === '-1' ? {} : host.inventory),
    templates: host.templates.map((t) => t.name).sort(),
  };
}

/** The top-level fields whose values differ. */
export function differingFields(before: HostView, after: HostView): string[] {
  return Object.keys(after).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
}
