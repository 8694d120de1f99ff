import { InternalError, TransportError } from '../../../inventory/core/errors.js';
import type { JsonObject, JsonValue } from '../../../inventory/core/json-value.js';
import { Secret } from '../../../inventory/secrets/secret.js';
import type { Change } from '../../plan/change.js';
import type { ZabbixClient } from '../../transports/zabbix/zabbix-client.js';
import { ZabbixConnector } from '../../transports/zabbix/zabbix-connector.js';
import { ZabbixApiError } from '../../transports/zabbix/zabbix-error.js';
import type { ApplyContext, ApplyOutcome } from '../driver.js';
import { DASHBOARD_LEDGER_KIND } from './observe-zabbix.js';
import type { DashboardRequest } from './plan-dashboards.js';
import type { MacroRequest } from './plan-secret-macros.js';
import type { HostRequest } from './plan-zabbix.js';
import { MACRO_TYPE_SECRET } from './secret-macros.js';

function connectorOf(context: ApplyContext): ZabbixConnector {
  if (context.transport.kind !== 'service' || !(context.transport.endpoint.client instanceof ZabbixConnector))
    throw new InternalError(`the Zabbix driver got a change for ${context.target.kind} ${context.target.name}`);
  return context.transport.endpoint.client;
}

function failure(change: Change, code: string, summary: string, detail?: string): ApplyOutcome {
  return { ok: false, output: '', diagnostics: [{ severity: 'error', code, summary, address: change.address, ...(detail ? { detail } : {}) }] };
}

/** The diagnostic of a failed call: Zabbix's own message and data when it answered. */
function callFailure(change: Change, error: unknown): ApplyOutcome {
  if (error instanceof ZabbixApiError)
    return failure(change, 'APPLY_ZABBIX_REFUSED', `Zabbix refused ${error.method}: ${error.zabbixMessage} ${error.zabbixData}`.trim());
  if (error instanceof TransportError) return failure(change, 'APPLY_ZABBIX_UNREACHABLE', error.message);
  throw error;
}

/** The change's view without the request (what the store records as the state after apply). */
function viewOf(value: JsonValue | null): JsonValue {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const { request: _request, ...view } = value;
  return view;
}

function requestOf(change: Change): HostRequest {
  return (change.after as JsonObject).request as HostRequest;
}

type Phase =
  | 'group-create'
  | 'group-update'
  | 'host-create'
  | 'host-update'
  | 'macro-create'
  | 'macro-update'
  | 'macro-delete'
  | 'dashboard-create'
  | 'dashboard-update'
  | 'dashboard-delete'
  | 'host-delete'
  | 'group-delete';

function phaseOf(change: Change): Phase {
  if (change.address.startsWith('zabbix-macro/')) {
    if (change.action === 'create' || change.action === 'update' || change.action === 'delete') return `macro-${change.action}`;
    throw new InternalError(`the Zabbix driver does not plan a ${change.action}`);
  }
  if (change.address.startsWith('zabbix-dashboard/')) {
    if (change.action === 'create' || change.action === 'update' || change.action === 'delete') return `dashboard-${change.action}`;
    throw new InternalError(`the Zabbix driver does not plan a ${change.action}`);
  }
  const group = change.address.startsWith('zabbix-group/');
  if (change.action === 'create') return group ? 'group-create' : 'host-create';
  if (change.action === 'delete') return group ? 'group-delete' : 'host-delete';
  if (change.action === 'update') return group ? 'group-update' : 'host-update';
  throw new InternalError(`the Zabbix driver does not plan a ${change.action}`);
}

/** Dependency order: groups exist before hosts join them; hosts leave before groups go.
 * Dashboards name hosts by pattern only, so they need no order with hosts; they come after the
 * host writes so that a graph never shows a host about to be created as missing. */
const PHASES: readonly Phase[] = [
  'group-create',
  'group-update',
  'host-create',
  'host-update',
  'macro-create',
  'macro-update',
  'macro-delete',
  'dashboard-create',
  'dashboard-update',
  'dashboard-delete',
  'host-delete',
  'group-delete',
];

/** What one change sends, or why it cannot be sent. */
type Sendable = { object: JsonValue } | { unsendable: string };

/** What the writes of one apply learn as they go: the ids of the groups and hosts they create. */
interface Written {
  groupIds: Map<string, string>;
  hostIds: Map<string, string>;
}

/** A host as `host.create` or `host.update` takes it. A create leaves out what Zabbix sets the
 * same by default (a visible name equal to the technical name, no templates): less for the
 * frontend to check. An update sends both, so a hand-set visible name or template goes back. */
function hostObject(request: HostRequest, host: string, groupIds: ReadonlyMap<string, string>, purpose: 'create' | 'update'): Sendable {
  const groups: JsonObject[] = [];
  for (const g of request.groups) {
    const groupid = g.groupid ?? groupIds.get(g.name);
    if (!groupid) return { unsendable: `the host group "${g.name}" has no id (it was not created)` };
    groups.push({ groupid });
  }
  // Whitelisted fields only, sub-objects by id (7.0 validates sub-objects strictly).
  const object: JsonObject = {
    host,
    ...(purpose === 'update' ? { name: host } : {}),
    groups,
    interfaces: request.interfaces.map((i) => ({
      ...(i.interfaceid ? { interfaceid: i.interfaceid } : {}),
      type: i.type,
      main: '1',
      useip: '1',
      ip: i.ip,
      dns: '',
      port: i.port,
      ...(i.details ? { details: i.details } : {}),
    })),
    tags: request.tags,
    inventory_mode: '0',
    inventory: request.inventory,
  };
  if (purpose === 'update' || request.templateids.length > 0) object.templates = request.templateids.map((templateid) => ({ templateid }));
  return { object };
}

/** Applies a run of Zabbix changes with as few calls as it takes: one batched call per kind of
 * write (about `batchSize` objects each), in dependency order. A failed call fails its own
 * changes with Zabbix's message; the writes after it are not attempted (they may depend on it),
 * and every change still gets its outcome. */
export async function applyZabbixChanges(changes: readonly Change[], context: ApplyContext): Promise<ApplyOutcome[]> {
  const outcomes = new Map<Change, ApplyOutcome>();
  let client: ZabbixClient;
  const connector = connectorOf(context);
  try {
    client = await connector.client();
  } catch (error) {
    const outcome = (c: Change) => (error instanceof TransportError ? callFailure(c, error) : failure(c, 'APPLY_ZABBIX_UNREACHABLE', (error as Error).message));
    return changes.map(outcome);
  }
  const written: Written = { groupIds: new Map(), hostIds: new Map() };
  const groupIds = written.groupIds;
  /** The secret each macro write sends, resolved once: its fingerprint is recorded after the write. */
  const macroSecrets = new Map<Change, Secret>();
  let failedAt: string | undefined;
  const notAttempted = (c: Change): ApplyOutcome => ({
    ...failure(c, 'APPLY_ZABBIX_NOT_ATTEMPTED', `not attempted because ${failedAt} failed earlier in this publish`),
    attempted: false,
  });

  const byPhase = new Map<Phase, Change[]>();
  for (const change of changes) {
    const phase = phaseOf(change);
    const list = byPhase.get(phase);
    if (list) list.push(change);
    else byPhase.set(phase, [change]);
  }
  for (const phase of PHASES) {
    const list = byPhase.get(phase) ?? [];
    if (list.length === 0) continue;
    // Build the objects first: a host whose group has no id fails alone, before any call.
    const ready: Array<{ change: Change; object: JsonValue }> = [];
    for (const change of list) {
      if (failedAt) {
        outcomes.set(change, notAttempted(change));
        continue;
      }
      const sendable =
        phase === 'macro-create' || phase === 'macro-update'
          ? macroObject(phase, change, connector, written, macroSecrets)
          : objectFor(phase, change, groupIds);
      if ('unsendable' in sendable) outcomes.set(change, failure(change, 'APPLY_ZABBIX_REFUSED', sendable.unsendable));
      else ready.push({ change, object: sendable.object });
    }
    const method = METHODS[phase];
    for (let start = 0; start < ready.length; start += client.batchSize) {
      const chunk = ready.slice(start, start + client.batchSize);
      if (failedAt) {
        for (const { change } of chunk) outcomes.set(change, notAttempted(change));
        continue;
      }
      try {
        const result = await client.call<Record<string, string[]>>(
          method,
          chunk.map((r) => r.object),
        );
        if (phase === 'group-create') chunk.forEach((r, i) => groupIds.set(String((r.change.after as JsonObject).name), String(result.groupids?.[i])));
        if (phase === 'host-create') chunk.forEach((r, i) => written.hostIds.set(String((r.change.after as JsonObject).host), String(result.hostids?.[i])));
        await recordOwnership(connector, phase, chunk, result);
        await recordMacros(connector, phase, chunk, macroSecrets);
        const ids = Object.values(result)[0] ?? [];
        chunk.forEach((r, i) =>
          outcomes.set(r.change, {
            ok: true,
            output: `${method} ${r.change.address}${ids[i] ? ` (id ${ids[i]})` : ''}`,
            diagnostics: [],
            state: phase.endsWith('delete') ? null : viewOf(r.change.after),
          }),
        );
      } catch (error) {
        for (const { change } of chunk) outcomes.set(change, callFailure(change, error));
        failedAt = chunk[0]!.change.address;
      }
    }
  }
  return changes.map((c) => outcomes.get(c) ?? { ...failure(c, 'APPLY_ZABBIX_NOT_ATTEMPTED', 'not attempted'), attempted: false });
}

/** A dashboard is pytin's only through the store's ledger: its id is recorded as soon as Zabbix
 * gives it (a store that failed here leaves an orphan that the next plan reports as not owned),
 * and forgotten once it is deleted. */
async function recordOwnership(
  connector: ZabbixConnector,
  phase: Phase,
  chunk: ReadonlyArray<{ change: Change }>,
  result: Record<string, string[]>,
): Promise<void> {
  if (phase === 'dashboard-create') {
    const ids = result.dashboardids ?? [];
    await connector.ledger.record(
      DASHBOARD_LEDGER_KIND,
      chunk.map((r, i) => {
        const request = dashboardRequestOf(r.change);
        return { uuid: request.uuid, key: request.key, zabbixId: String(ids[i]) };
      }),
    );
  }
  if (phase === 'dashboard-delete')
    await connector.ledger.forget(
      DASHBOARD_LEDGER_KIND,
      chunk.map((r) => String((r.change.before as JsonObject).uuid)),
    );
}

const METHODS: Record<Phase, string> = {
  'group-create': 'hostgroup.create',
  'group-update': 'hostgroup.update',
  'host-create': 'host.create',
  'host-update': 'host.update',
  'macro-create': 'usermacro.create',
  'macro-update': 'usermacro.update',
  'macro-delete': 'usermacro.delete',
  'dashboard-create': 'dashboard.create',
  'dashboard-update': 'dashboard.update',
  'dashboard-delete': 'dashboard.delete',
  'host-delete': 'host.delete',
  'group-delete': 'hostgroup.delete',
};

function dashboardRequestOf(change: Change): DashboardRequest {
  return (change.after as JsonObject).request as DashboardRequest;
}

function objectFor(phase: Phase, change: Change, groupIds: ReadonlyMap<string, string>): Sendable {
  const after = change.after as JsonObject | null;
  const before = change.before as JsonObject | null;
  const host = String(after?.host ?? '');
  switch (phase) {
    case 'group-create':
      return { object: { name: after!.name!, uuid: after!.uuid! } };
    case 'group-update':
      return { object: { groupid: after!.groupid!, name: after!.name! } };
    case 'host-create':
      return hostObject(requestOf(change), host, groupIds, 'create');
    case 'host-update': {
      const request = requestOf(change);
      const sendable = hostObject(request, host, groupIds, 'update');
      if ('unsendable' in sendable) return sendable;
      const object: JsonObject = { hostid: request.hostid!, ...(sendable.object as JsonObject) };
      if (request.clearTemplateids.length) object.templates_clear = request.clearTemplateids.map((templateid) => ({ templateid }));
      return { object };
    }
    case 'dashboard-create': {
      // Shared with every user (private 0), as the old graph screens were. Display period and
      // auto start are left to Zabbix's defaults (30 s, on), which pytin does not manage.
      const request = dashboardRequestOf(change);
      return { object: { name: after!.name!, private: '0', pages: request.pages } };
    }
    case 'dashboard-update': {
      // Pages sent without ids replace the dashboard's pages: the whole dashboard is rewritten.
      const request = dashboardRequestOf(change);
      return { object: { dashboardid: request.dashboardid!, name: after!.name!, pages: request.pages } };
    }
    case 'dashboard-delete':
      return { object: String((before as JsonObject).dashboardid) };
    case 'macro-create':
    case 'macro-update':
      throw new InternalError('macro writes are built by macroObject');
    case 'macro-delete':
      return { object: String((before as JsonObject).hostmacroid) };
    case 'host-delete':
    case 'group-delete':
      return { object: String((before as JsonObject)[phase === 'host-delete' ? 'hostid' : 'groupid']) };
  }
}

/** A secret macro write: the value is read from its reference now (under the operator's policy, for
 * this Zabbix's host) and goes only into the API call, never into an outcome or the store. */
function macroObject(
  phase: 'macro-create' | 'macro-update',
  change: Change,
  connector: ZabbixConnector,
  written: Written,
  secrets: Map<Change, Secret>,
): Sendable {
  const request = (change.after as JsonObject).request as MacroRequest;
  const secret = connector.secrets.resolve(request.secret, { what: request.what, address: request.key });
  if (!(secret instanceof Secret)) return { unsendable: `${secret.code}: ${secret.summary}` };
  let object: JsonObject;
  if (phase === 'macro-update') {
    object = { hostmacroid: request.hostmacroid!, value: secret.reveal(), type: MACRO_TYPE_SECRET };
  } else {
    const hostid = request.hostid ?? written.hostIds.get(request.host);
    if (!hostid) return { unsendable: `the Zabbix host "${request.host}" has no id (it was not created)` };
    object = { hostid, macro: request.macro, value: secret.reveal(), type: MACRO_TYPE_SECRET, description: 'set by pytin from the SNMP credentials' };
  }
  secrets.set(change, secret);
  return { object };
}

/** Records the fingerprints of the secret macros just written (forgets those just deleted), so the
 * next plan sees them as published. */
async function recordMacros(
  connector: ZabbixConnector,
  phase: Phase,
  chunk: ReadonlyArray<{ change: Change }>,
  secrets: ReadonlyMap<Change, Secret>,
): Promise<void> {
  if (phase === 'macro-create' || phase === 'macro-update') {
    const entries = [];
    for (const { change } of chunk) {
      const request = (change.after as JsonObject).request as MacroRequest;
      entries.push({ key: request.key, macro: request.macro, fingerprint: await connector.secrets.fingerprint(secrets.get(change)!) });
    }
    await connector.ledger.recordMacros(entries);
  }
  if (phase === 'macro-delete')
    await connector.ledger.forgetMacros(
      chunk.map(({ change }) => {
        const before = change.before as JsonObject;
        return { key: String(before.key), macro: String(before.macro) };
      }),
    );
}
