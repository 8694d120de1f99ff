import { canonicalIp } from '../../schemas/formats/ip.js';
import { normaliseMac } from '../../schemas/formats/mac.js';
import type { InventoryCache } from '../cache/inventory-cache.js';
import { type Diagnostic, sortDiagnostics } from '../core/diagnostic.js';
import { formatSourceRange } from '../core/source-range.js';
import type { Desired, DesiredState } from '../model/desired-state.js';
import { DEFAULT_LIBVIRT_URI, type ServerSpec, type SwitchSpec } from '../model/specs.js';
import type { SourceIndex } from '../parse/source-index.js';
import type { InventorySnapshot } from '../source/inventory-snapshot.js';
import { loadDocuments, type LoadedDocuments } from './load-documents.js';
import { type Rule, RuleContext } from './rule-context.js';
import { aggregates } from './rules/aggregates.js';
import { bandwidth } from './rules/bandwidth.js';
import { derivedNames } from './rules/derived-names.js';
import { hypervisorBridge } from './rules/hypervisor-bridge.js';
import { hypervisorCapacity } from './rules/hypervisor-capacity.js';
import { ipAddresses } from './rules/ip-addresses.js';
import { macAndCabling } from './rules/mac-and-cabling.js';
import { operatorSettings } from './rules/operator-settings.js';
import { rackPower } from './rules/rack-power.js';
import { rackUnits } from './rules/rack-units.js';
import { references } from './rules/references.js';
import { uniqueNames } from './rules/unique-names.js';

/** The rules that only report. (ipAddresses also builds the address index, so it runs apart.) */
const RULES: readonly Rule[] = [
  uniqueNames,
  references,
  rackUnits,
  rackPower,
  aggregates,
  macAndCabling,
  bandwidth,
  hypervisorCapacity,
  hypervisorBridge,
  derivedNames,
  operatorSettings,
];

export interface ValidationResult {
  /** Built from the schema-valid resources even when rules failed; trust it only without errors. */
  state: DesiredState;
  diagnostics: Diagnostic[];
  sources: SourceIndex;
}

/** MACs and IPs in one canonical form, so that later comparisons with observed facts are exact. */
function normaliseSpec(resource: Desired): void {
  const spec = resource.spec as { interfaces?: Array<{ mac?: string; ips?: string[] }>; addresses?: Array<{ ip: string }> };
  for (const held of spec.addresses ?? []) held.ip = canonicalIp(held.ip) ?? held.ip;
  for (const iface of spec.interfaces ?? []) {
    if (iface.mac !== undefined) iface.mac = normaliseMac(iface.mac) ?? iface.mac;
    if (iface.ips) iface.ips = iface.ips.map((ip) => canonicalIp(ip) ?? ip);
  }
}

/** Defaults that depend on another field, which JSON Schema's `default` cannot express: a
 * hypervisor without a libvirt section connects with the schema's documented default URI (without
 * it, every VM of the hypervisor failed at plan time, once per VM); a switch's snmp.address names
 * the held address its agent answers at. */
function applyModelDefaults(resource: Desired): void {
  if (resource.kind === 'Server') {
    const spec = resource.spec as ServerSpec;
    if (spec.roles?.includes('hypervisor') && spec.libvirt === undefined) spec.libvirt = { uri: DEFAULT_LIBVIRT_URI };
  }
  // A switch reached at one of its own addresses: the host is that address (a name that resolves
  // to none was reported by the references rule, and the switch then has no host to walk).
  if (resource.kind === 'Switch') {
    const spec = resource.spec as SwitchSpec;
    if (spec.snmp?.address !== undefined) {
      const held = spec.addresses?.find((a) => a.name === spec.snmp!.address);
      if (held) spec.snmp.host = held.ip;
    }
  }
}

/** One notice for the documents no cross-object rule saw (a required field missing or malformed):
 * their rule errors will only show once their schema errors are fixed. */
function rulesSkippedNotice(leftOut: LoadedDocuments['leftOut']): Diagnostic | undefined {
  if (leftOut.length === 0) return undefined;
  const names = leftOut.slice(0, 5).map((d) => d.address ?? formatSourceRange(d.source));
  const more = leftOut.length > names.length ? ` and ${leftOut.length - names.length} more` : '';
  return {
    severity: 'warning',
    code: 'INV_RULES_SKIPPED',
    summary: `the cross-object rules (references, rack units, addresses, ...) skipped ${leftOut.length} document(s) whose schema errors leave nothing to check: ${names.join(', ')}${more}`,
    detail: 'Documents with errors in optional values are still checked without those values. Fixing these documents may reveal more errors.',
    subject: leftOut[0]!.source,
  };
}

export interface ValidationOptions {
  /** Per-file results of earlier runs (issue 14): files whose content it holds are not parsed or
   * schema-checked again; the cross-object rules always run over the whole inventory. The result
   * is the same with or without it. The caller saves it. */
  cache?: InventoryCache;
}

/** Parses, checks against the schemas, runs the cross-object rules and builds the DesiredState.
 * Every problem is reported at once, sorted by file and position. */
export function validateInventory(snapshot: InventorySnapshot, options: ValidationOptions = {}): ValidationResult {
  const loaded = loadDocuments(snapshot.files, options.cache);
  const context = new RuleContext([...loaded.valid, ...loaded.salvaged], loaded.declared, loaded.sources);
  for (const rule of RULES) rule(context);
  const ipHoldings = ipAddresses(context);
  const diagnostics = [...snapshot.diagnostics, ...loaded.diagnostics, ...context.diagnostics];
  const skipped = rulesSkippedNotice(loaded.leftOut);
  if (skipped) diagnostics.push(skipped);
  // An inventory without a single document is a mistake (wrong --path?) unless a reason was given already.
  if (loaded.documentCount === 0 && !diagnostics.some((d) => d.severity === 'error')) {
    diagnostics.push({
      severity: 'error',
      code: 'INV_EMPTY',
      summary: `no inventory document found under "${snapshot.revision.path || '.'}" (${snapshot.files.length} *.yaml files)`,
      detail: 'Inventory documents are *.yaml files with a kind and a name each. Check --repo and --path.',
    });
  }
  const resources = new Map<string, Desired>();
  for (const resource of loaded.valid) {
    if (resources.has(resource.address)) continue;
    normaliseSpec(resource);
    // After the rules, which point at what was written.
    applyModelDefaults(resource);
    resources.set(resource.address, resource);
  }
  return { state: { revision: snapshot.revision, resources, ipHoldings }, diagnostics: sortDiagnostics(diagnostics), sources: loaded.sources };
}
