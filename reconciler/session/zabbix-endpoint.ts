import type { Diagnostic } from '../../inventory/core/diagnostic.js';
import type { ConnectionSettings } from '../../inventory/model/connection-settings.js';
import type { DesiredState } from '../../inventory/model/desired-state.js';
import type { SecretRef } from '../../inventory/model/specs.js';
import { resolveSecret } from '../../inventory/secrets/resolve-secret.js';
import { Secret } from '../../inventory/secrets/secret.js';
import type { SecretPolicy } from '../../inventory/secrets/secret-policy.js';
import { desiredZabbix } from '../drivers/zabbix/desired-zabbix.js';
import { DASHBOARD_LEDGER_KIND, observeZabbix } from '../drivers/zabbix/observe-zabbix.js';
import { ZABBIX_FACTS_KEY } from '../drivers/zabbix/plan-zabbix.js';
import { observeSecretMacros } from '../drivers/zabbix/secret-macros.js';
import { zabbixConnectionOf, zabbixSubject } from '../drivers/zabbix/zabbix-settings.js';
import type { ObservationResult } from '../observe/observe-inventory.js';
import { recordHostObservation } from '../store/facts/host-store.js';
import type { Store } from '../store/open-store.js';
import { forgetMacroFingerprints, macroFingerprints, recordMacroFingerprints, secretFingerprint } from '../store/zabbix/zabbix-macro-fingerprints.js';
import { forgetZabbixOwned, recordZabbixOwned, zabbixOwned } from '../store/zabbix/zabbix-owned.js';
import type { ZabbixClientOptions, ZabbixCredentials } from '../transports/zabbix/zabbix-client.js';
import { ZabbixConnector } from '../transports/zabbix/zabbix-connector.js';

/** The Zabbix endpoint of the TRUSTED connection settings, with its credentials resolved under the
 * operator's secret policy (sent only to the URL's host). A token is preferred to a password. */
export function zabbixEndpoint(
  connections: ConnectionSettings,
  secrets: SecretPolicy,
  store: Store,
  hooks: Pick<ZabbixClientOptions, 'onCall' | 'batchSize'> = {},
): { connector: ZabbixConnector | undefined; diagnostics: Diagnostic[] } {
  const connection = zabbixConnectionOf(connections);
  if (!connection) return { connector: undefined, diagnostics: [] };
  const { spec, address } = connection;
  const destination = new URL(spec.url).hostname.replace(/^\[|\]$/g, '');
  const reveal = (ref: NonNullable<typeof spec.token>, what: string): Secret | Diagnostic =>
    resolveSecret(ref, secrets, { what: `the ${what} of ${address}`, address, destination });
  let credentials: ZabbixCredentials | Diagnostic;
  if (spec.token) {
    const token = reveal(spec.token, 'API token');
    credentials = token instanceof Secret ? { token } : token;
  } else if (spec.username && spec.password) {
    const password = reveal(spec.password, 'password');
    credentials = password instanceof Secret ? { username: spec.username, password } : password;
  } else {
    credentials = {
      severity: 'error',
      code: 'APPLY_ZABBIX_SETUP',
      summary: `${address} has neither a token nor a username and password; pytin cannot log in to Zabbix`,
      address,
    };
  }
  if ('severity' in credentials) return { connector: undefined, diagnostics: [credentials] };
  const service = connection.name;
  const ledger = {
    owned: (kind: string) => zabbixOwned(store, service, kind),
    record: (kind: string, entries: Parameters<typeof recordZabbixOwned>[3]) => recordZabbixOwned(store, service, kind, entries),
    forget: (kind: string, uuids: readonly string[]) => forgetZabbixOwned(store, service, kind, uuids),
    macros: () => macroFingerprints(store, service),
    recordMacros: (entries: Parameters<typeof recordMacroFingerprints>[2]) => recordMacroFingerprints(store, service, entries),
    forgetMacros: (entries: Parameters<typeof forgetMacroFingerprints>[2]) => forgetMacroFingerprints(store, service, entries),
  };
  // Secret user macros go to this Zabbix's host only: the policy must allow each secret there.
  const macroSecrets = {
    resolve: (ref: SecretRef, use: { what: string; address: string }) => resolveSecret(ref, secrets, { ...use, destination }),
    fingerprint: (secret: Secret) => secretFingerprint(store, secret),
  };
  return { connector: new ZabbixConnector(service, spec.url, { ...hooks, url: spec.url, credentials }, ledger, macroSecrets), diagnostics: [] };
}

/** Reads the Zabbix endpoint and stores what it showed as the endpoint's facts (a failed read
 * keeps the last good facts). The host names looked up are those of the revision being planned. */
export async function observeZabbixEndpoint(
  connector: ZabbixConnector,
  state: DesiredState,
  connections: ConnectionSettings,
  store: Store,
): Promise<ObservationResult> {
  const startedAt = Date.now();
  const subject = zabbixSubject(connector.name);
  const address = `zabbix/${connector.name}`;
  const settings = zabbixConnectionOf(connections)!.spec;
  const desired = desiredZabbix(state, settings);
  try {
    const client = await connector.client();
    const facts = await observeZabbix(client, {
      hostNames: desired.hosts.map((h) => h.host),
      templateNames: desired.templates,
      ownedDashboards: await connector.ledger.owned(DASHBOARD_LEDGER_KIND),
      interfaceTypes: new Map(desired.hosts.map((h) => [h.key, h.interfaces.map((i) => i.type)])),
    });
    facts.secretMacros = await observeSecretMacros(connector, desired.hosts, connections);
    const observedAt = Date.now();
    await recordHostObservation(store, { host: subject, startedAt, observedAt, facts: new Map([[ZABBIX_FACTS_KEY, facts]]), errors: [] });
    return {
      source: 'service',
      subject: connector.name,
      address,
      ok: true,
      durationMs: observedAt - startedAt,
      summary: `Zabbix ${facts.version}: ${facts.hosts.filter((h) => h.owned).length} hosts of pytin's, ${facts.groups.length} host groups`,
      diagnostics: [],
    };
  } catch (error) {
    const diagnostic: Diagnostic = {
      severity: 'error',
      code: 'OBS_ZABBIX_FAILED',
      summary: `Zabbix at ${connector.url} could not be read: ${(error as Error).message}`,
      address,
    };
    const observedAt = Date.now();
    await recordHostObservation(store, { host: subject, startedAt, observedAt, facts: new Map(), errors: [`${diagnostic.code}: ${diagnostic.summary}`] });
    return {
      source: 'service',
      subject: connector.name,
      address,
      ok: false,
      durationMs: observedAt - startedAt,
      summary: 'not read; the last facts are kept',
      diagnostics: [diagnostic],
    };
  }
}
