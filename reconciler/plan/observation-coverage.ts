import type { Diagnostic } from '../../inventory/core/diagnostic.js';
import { resourcesOfKind } from '../../inventory/model/desired-state.js';
import type { BackupPolicySpec, VMSpec } from '../../inventory/model/specs.js';
import type { PlanInput } from './planning-port.js';

const SHOWN = 8;

function list(items: readonly string[]): string {
  return items.slice(0, SHOWN).join(', ') + (items.length > SHOWN ? ` and ${items.length - SHOWN} more` : '');
}

/** What the plan could not compare, said once per plan (issue 10: a plan against a store that had
 * observed nothing looked like a plan with nothing to do, and hosts and switches without
 * connection settings were skipped silently). Warnings: they make the plan's verdict
 * "incomplete", which `plan --detailed-exitcode` never reports as 0 ("in sync").
 * - PLAN_NOTHING_OBSERVED: the store holds no facts of any host or switch;
 * - PLAN_NOT_OBSERVED: hosts or switches pytin can reach that were never observed (with why);
 * - PLAN_NOT_OBSERVABLE: servers without ssh that carry what pytin plans (VMs, shaping, backup
 *   policies), and switches without snmp (their cabling and addresses are not compared).
 * A server without ssh and nothing pytin plans on it (a dedicated server rented out) is not
 * reported: there is nothing of it to compare. Pure. */
export function observationCoverage(input: PlanInput): Diagnostic[] {
  const { connections, facts, state } = input;
  const diagnostics: Diagnostic[] = [];
  const neverObserved: string[] = [];
  let reachable = 0;
  for (const server of connections.servers.values()) {
    if (server.ssh === undefined) continue;
    reachable++;
    const host = facts.hosts.get(server.name);
    if (host && host.facts.size > 0) continue;
    const why = host?.lastRun?.status === 'failed' ? `last attempt failed: ${host.lastRun.error ?? 'unknown error'}` : 'never attempted';
    neverObserved.push(`${server.address} (${why})`);
  }
  for (const device of connections.switches.values()) {
    if (device.snmp === undefined) continue;
    reachable++;
    const walked = facts.devices.get(device.name);
    if (walked?.facts !== undefined) continue;
    const why = walked?.lastRun?.status === 'failed' ? `last walk failed: ${walked.lastRun.error ?? 'unknown error'}` : 'never walked';
    neverObserved.push(`${device.address} (${why})`);
  }
  if (reachable > 0 && neverObserved.length === reachable) {
    diagnostics.push({
      severity: 'warning',
      code: 'PLAN_NOTHING_OBSERVED',
      summary: `the store holds no observation of any of the ${reachable} hosts and switches pytin can reach: nothing was compared (run pytin observe, or plan --refresh)`,
      detail: list(neverObserved),
    });
  } else if (neverObserved.length > 0) {
    diagnostics.push({
      severity: 'warning',
      code: 'PLAN_NOT_OBSERVED',
      summary: `${neverObserved.length} of ${reachable} hosts and switches were never observed; what they carry was not compared: ${list(neverObserved)}`,
    });
  }

  const planned = new Map<string, string[]>();
  const note = (host: string, what: string) => {
    const whats = planned.get(host) ?? [];
    if (!whats.includes(what)) whats.push(what);
    planned.set(host, whats);
  };
  for (const vm of resourcesOfKind<VMSpec>(state, 'VM')) note(vm.spec.hypervisor, 'VMs');
  for (const policy of resourcesOfKind<BackupPolicySpec>(state, 'BackupPolicy')) note(policy.spec.host, 'backup policies');
  for (const server of connections.servers.values()) {
    const spec = state.resources.get(server.address)?.spec as { shaping?: unknown } | undefined;
    if (spec?.shaping !== undefined) note(server.name, 'bandwidth limits');
  }
  const unreachable: string[] = [];
  for (const server of connections.servers.values())
    if (server.ssh === undefined && planned.has(server.name))
      unreachable.push(`${server.address} (no ssh section; its ${planned.get(server.name)!.join(', ')})`);
  for (const device of connections.switches.values())
    if (device.snmp === undefined) unreachable.push(`${device.address} (no snmp section; its ports and addresses)`);
  if (unreachable.length > 0) {
    diagnostics.push({
      severity: 'warning',
      code: 'PLAN_NOT_OBSERVABLE',
      summary: `${unreachable.length} host(s) and switch(es) cannot be observed, so what they carry is not compared: ${list(unreachable)}`,
    });
  }
  return diagnostics;
}
