import type { Diagnostic } from '../../../inventory/core/diagnostic.js';
import type { JsonValue } from '../../../inventory/core/json-value.js';
import type { Change } from '../../plan/change.js';
import type { Drift } from '../../plan/drift.js';
import type { DriverPlan } from '../../plan/planning-port.js';
import type { TcDesired } from './compile-shaping.js';
import { observedDevice, type TcObserved } from './read-shaping.js';
import { sameAddressState, stateFromAddresses, stateFromTrees } from './shaping-state.js';
import { ifbName } from './tc-handles.js';
import { treeDifferences } from './tc-tree.js';

export type PlanShapingOptions = {
  /** The `state` of the last successful apply of this host's shaping (the store keeps it), or
   * null/absent when pytin has none. */
  lastApplied?: JsonValue | null;
  /** ISO time of the observation, for drift evidence. */
  observedAt?: string;
};

type JsonObject = { [key: string]: JsonValue };
const isObject = (v: JsonValue | null | undefined): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The interfaces of the last applied state that `interfaces` lacks (names as pytin wrote them;
 * anything else in the record is ignored, as a record pytin cannot read proves nothing). */
function retiredInterfaces(lastApplied: JsonObject | null, interfaces: readonly string[]): string[] {
  const recorded = lastApplied?.interfaces;
  if (!Array.isArray(recorded)) return [];
  return recorded.filter((i): i is string => typeof i === 'string' && /^[A-Za-z0-9_.@:-]{1,15}$/.test(i) && !interfaces.includes(i)).sort();
}

const describe = (entry: JsonValue | undefined): string => {
  if (!isObject(entry)) return 'not shaped';
  return `inbound ${entry.inbound ?? 'unlimited'}, outbound ${entry.outbound ?? 'unlimited'} (class ${String(entry.classid)})`;
};

/**
 * Plans one host's shaping (pure). ONE change per host, address `shaping/<host>`: pytin's tc
 * objects on a host are rebuilt in one tc batch, so one change is what apply can make atomic; its
 * `before`/`after` hold one key per address (plus `interfaces`), and `fields` names exactly the
 * addresses that change, so the reviewer still reads the plan per address.
 *
 * A limit changed by hand: tc keeps no record of who set a rate, so pytin compares with the state
 * its last apply read back (`lastApplied`). Where the host differs from that, it is drift
 * `limit-changed-by-hand` at `shaping/<host>/<ip>`, and the change restores git's value (the
 * whole tree is rebuilt as one, so a hand-made rate inside pytin's classes cannot be kept). Without
 * a last apply the difference is an update whose reason says the cause cannot be told.
 */
export function planShaping(desired: TcDesired, observed: TcObserved | null, options: PlanShapingOptions = {}): DriverPlan {
  const diagnostics: Diagnostic[] = [...desired.diagnostics];
  const host = desired.host;
  const address = `shaping/${host}`;
  const plan: DriverPlan = { changes: [], drift: [], diagnostics };
  if (observed === null) {
    if (desired.interfaces.length > 0)
      diagnostics.push({
        severity: 'warning',
        code: 'PLAN_TC_NOT_OBSERVED',
        summary: `tc on ${host} was not observed: its limits are not planned`,
        address: `server/${host}`,
      });
    return plan;
  }
  const foreign = desired.devices.map((t) => observedDevice(observed, t.device)).filter((d) => d.root === 'foreign');
  if (foreign.length > 0) {
    diagnostics.push({
      severity: 'error',
      code: 'PLAN_TC_FOREIGN_ROOT_QDISC',
      summary: `${foreign.map((d) => d.tree.device).join(', ')} on ${host} has a root qdisc pytin did not create; pytin plans nothing there until it is removed`,
      address: `server/${host}`,
    });
    return plan;
  }

  // The host observer lists the devices it was told to (shapingDevices gives them all); one that
  // is missing is planned as empty, which apply corrects since it reads every device itself.
  const unlisted = desired.devices.filter((t) => !observed.devices.some((d) => d.tree.device === t.device)).map((t) => t.device);
  if (unlisted.length > 0) {
    diagnostics.push({
      severity: 'warning',
      code: 'PLAN_TC_DEVICE_NOT_OBSERVED',
      summary: `${unlisted.join(', ')} on ${host} not observed: planned as empty (observe the devices shapingDevices() names)`,
      address: `server/${host}`,
    });
  }
  const observedTrees = desired.devices.map((t) => observedDevice(observed, t.device).tree);
  const lastApplied = isObject(options.lastApplied) ? options.lastApplied : null;
  // Interfaces pytin shaped at its last apply that git no longer lists: their tc objects (and
  // their ifb's) are pytin's and go. `before` lists them, `after` does not: apply removes what it
  // finds on each interface `before` has and `after` lacks.
  // The probe reads only the devices git names now, so the addresses' entries describe those.
  const retired = retiredInterfaces(lastApplied, desired.interfaces);
  const before: JsonObject = { ...stateFromTrees(desired.interfaces, observedTrees), interfaces: [...desired.interfaces, ...retired] };
  const after = stateFromAddresses(desired.interfaces, desired.addresses);
  const ips = (state: JsonObject) => Object.keys(state).filter((k) => k !== 'interfaces');

  if (lastApplied) {
    for (const ip of new Set([...ips(before), ...ips(lastApplied)])) {
      if (sameAddressState(lastApplied[ip], before[ip])) continue;
      plan.drift.push({
        address: `shaping/${host}/${ip}`,
        kind: 'limit-changed-by-hand',
        evidence: { source: 'ssh', where: `${host}: tc on ${desired.interfaces.join(', ')}`, seenAt: options.observedAt ?? '' },
        message: `${ip} is ${describe(before[ip])} on ${host}, but pytin last applied ${describe(lastApplied[ip])}`,
      } satisfies Drift);
    }
  }

  // Nodes in pytin's tables that no packet reaches (wrong bucket, unlinked table, a class that is
  // gone) change no traffic, but they are pytin's: the rebuild removes them, so the plan says so.
  const stray = desired.devices.flatMap((t) =>
    observedDevice(observed, t.device)
      .nodes.filter((n) => n.filter === null)
      .map((n) => `${t.device}: u32 node ${n.handle} in pytin's tables is not effective`),
  );
  const removals = retired.map((i) => `${i}: no longer shaped in git; pytin's tc objects on ${i} and ${ifbName(i)} are removed, and ${ifbName(i)} deleted`);
  const differences = [...removals, ...desired.devices.flatMap((t, i) => treeDifferences(t, observedTrees[i]!)), ...stray];
  if (differences.length === 0) return plan;
  const observedSomething = retired.length > 0 || ips(before).length > 0 || observedTrees.some((t) => t.classes.length > 0 || t.redirectTo !== null);
  const fields = [
    ...(retired.length > 0 ? ['interfaces'] : []),
    ...[...new Set([...ips(before), ...ips(after)])].filter((ip) => !sameAddressState(after[ip], before[ip])),
  ];
  const shown = differences.slice(0, 5).join('; ') + (differences.length > 5 ? `; and ${differences.length - 5} more` : '');
  const cause =
    plan.drift.length > 0
      ? `restores git's limits over ${plan.drift.length} change(s) made by hand`
      : lastApplied
        ? 'git changed since the last apply'
        : 'pytin has no record of its last apply on this host, so it cannot tell a change in git from a change by hand';
  const notes = desired.diagnostics.filter((d) => d.severity === 'warning').map((d) => d.summary);
  const change: Change = {
    address,
    action: desired.addresses.length === 0 ? 'delete' : observedSomething ? 'update' : 'create',
    driver: 'tc',
    host,
    before: observedSomething ? before : null,
    after: desired.addresses.length === 0 ? null : after,
    reason: `${cause}: ${fields.length > 0 ? fields.join(', ') : 'the tree differs'} (${shown})`,
    ...(notes.length > 0 ? { notes } : {}),
  };
  if (change.action === 'update') change.fields = fields;
  // Nothing desired and nothing of pytin's observed beyond scaffolding: there is nothing to delete.
  if (change.action === 'delete' && !observedSomething) return plan;
  plan.changes.push(change);
  return plan;
}
