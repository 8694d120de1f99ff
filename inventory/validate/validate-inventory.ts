import { formatIp, parseIp } from '../../schemas/formats/ip.js';
import { normaliseMac } from '../../schemas/formats/mac.js';
import { type Diagnostic, sortDiagnostics } from '../core/diagnostic.js';
import type { Desired, DesiredState } from '../model/desired-state.js';
import type { SourceIndex } from '../parse/source-index.js';
import type { InventorySnapshot } from '../source/inventory-snapshot.js';
import { loadDocuments } from './load-documents.js';
import { type Rule, RuleContext } from './rule-context.js';
import { bandwidth } from './rules/bandwidth.js';
import { derivedNames } from './rules/derived-names.js';
import { hypervisorCapacity } from './rules/hypervisor-capacity.js';
import { ipAddresses } from './rules/ip-addresses.js';
import { macAndCabling } from './rules/mac-and-cabling.js';
import { operatorSettings } from './rules/operator-settings.js';
import { rackUnits } from './rules/rack-units.js';
import { references } from './rules/references.js';
import { uniqueNames } from './rules/unique-names.js';

/** The rules that only report. (ipAddresses also builds the address index, so it runs apart.) */
const RULES: readonly Rule[] = [uniqueNames, references, rackUnits, macAndCabling, bandwidth, hypervisorCapacity, derivedNames, operatorSettings];

export interface ValidationResult {
  /** Built from the schema-valid resources even when rules failed; trust it only without errors. */
  state: DesiredState;
  diagnostics: Diagnostic[];
  sources: SourceIndex;
}

/** MACs and IPs in one canonical form, so that later comparisons with observed facts are exact. */
function normaliseSpec(resource: Desired): void {
  const spec = resource.spec as { interfaces?: Array<{ mac?: string; ips?: string[] }> };
  for (const iface of spec.interfaces ?? []) {
    if (iface.mac !== undefined) iface.mac = normaliseMac(iface.mac) ?? iface.mac;
    if (iface.ips)
      iface.ips = iface.ips.map((ip) => {
        const parsed = parseIp(ip);
        return parsed ? formatIp(parsed) : ip;
      });
  }
}

/** Parses, checks against the schemas, runs the cross-object rules and builds the DesiredState.
 * Every problem is reported at once, sorted by file and position. */
export function validateInventory(snapshot: InventorySnapshot): ValidationResult {
  const loaded = loadDocuments(snapshot.files);
  const context = new RuleContext(loaded.valid, loaded.declared, loaded.sources);
  for (const rule of RULES) rule(context);
  const ipHoldings = ipAddresses(context);
  const diagnostics = [...snapshot.diagnostics, ...loaded.diagnostics, ...context.diagnostics];
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
    resources.set(resource.address, resource);
  }
  return { state: { revision: snapshot.revision, resources, ipHoldings }, diagnostics: sortDiagnostics(diagnostics), sources: loaded.sources };
}
