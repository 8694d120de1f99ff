import type { Diagnostic } from '../../inventory/core/diagnostic.js';
import { type ConnectionSettings, connectionSettingsOf } from '../../inventory/model/connection-settings.js';
import type { DesiredState } from '../../inventory/model/desired-state.js';
import { resourcesOfKind } from '../../inventory/model/desired-state.js';
import type { ZabbixConnectionSpec } from '../../inventory/model/specs.js';
import { type InventorySourceOptions, readInventory } from '../../inventory/source/read-inventory.js';
import { validateInventory, type ValidationOptions } from '../../inventory/validate/validate-inventory.js';

/** The connection-relevant settings of each resource, as comparable text. */
function connectionPrints(connections: ConnectionSettings): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of connections.servers.values()) out.set(s.address, JSON.stringify([s.ssh ?? null, s.libvirtUri ?? null, s.backupAgent ?? null]));
  for (const s of connections.switches.values()) out.set(s.address, JSON.stringify(s.snmp ?? null));
  for (const e of connections.sshEndpoints.values()) out.set(e.address, JSON.stringify(e.spec));
  for (const c of connections.snmpCredentials.values()) out.set(c.address, JSON.stringify(c.spec));
  // Where pytin publishes, with which credentials, and what it may own there.
  for (const z of resourcesOfKind<ZabbixConnectionSpec>(connections.state, 'ZabbixConnection')) out.set(z.address, JSON.stringify(z.spec));
  return out;
}

/** The connection settings a session uses: those of the operator's trusted ref when it names one
 * (the branch under review only proposes desired state), else those of the revision read. A
 * revision whose connection settings differ from the trusted ones says so, resource by resource,
 * so a reviewer sees what would change once merged. */
export async function trustedConnections(
  state: DesiredState,
  source: InventorySourceOptions,
  trustedRef: string | undefined,
  validationOptions: ValidationOptions = {},
): Promise<{ connections: ConnectionSettings; warnings: Diagnostic[] } | { failed: Diagnostic[] }> {
  const own = connectionSettingsOf(state);
  if (trustedRef === undefined) return { connections: own, warnings: [] };
  const snapshot = await readInventory({ ...source, ref: trustedRef, worktree: false });
  const unknown = snapshot.diagnostics.find((d) => d.code === 'INV_GIT_UNKNOWN_REF');
  if (unknown) {
    return {
      failed: [
        {
          severity: 'error',
          code: 'TRUST_REF_UNKNOWN',
          summary: `the trusted ref "${trustedRef}" of the pytin configuration does not exist: ${unknown.summary}`,
          detail: 'Fetch it (git fetch origin main) or correct connections.trustedRef.',
        },
      ],
    };
  }
  const validation = validateInventory(snapshot, validationOptions);
  const errors = validation.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    return {
      failed: [
        {
          severity: 'error',
          code: 'TRUST_REF_INVALID',
          summary: `the inventory at the trusted ref "${trustedRef}" (${snapshot.revision.commit?.slice(0, 12) ?? 'no commit'}) has ${errors.length} error(s); its connection settings cannot be used`,
          detail: errors
            .slice(0, 5)
            .map((d) => `${d.code}: ${d.summary}`)
            .join('\n'),
        },
      ],
    };
  }
  const trusted = connectionSettingsOf(validation.state);
  const ours = connectionPrints(own);
  const theirs = connectionPrints(trusted);
  const warnings: Diagnostic[] = [];
  for (const address of [...new Set([...ours.keys(), ...theirs.keys()])].sort()) {
    if (ours.get(address) === theirs.get(address)) continue;
    const resource = state.resources.get(address);
    const what = !theirs.has(address) ? 'are new on this revision' : !ours.has(address) ? 'are gone on this revision' : 'differ on this revision';
    warnings.push({
      severity: 'warning',
      code: 'TRUST_CONNECTIONS_DIFFER',
      summary: `the connection settings of ${address} ${what}; pytin uses those of ${trustedRef} (${validation.state.revision.commit?.slice(0, 12) ?? ''}) until this is merged`,
      address,
      ...(resource ? { subject: resource.source } : {}),
    });
  }
  return { connections: trusted, warnings };
}
