import type { Diagnostic } from '../../../inventory/core/diagnostic.js';
import type { ConnectionSettings } from '../../../inventory/model/connection-settings.js';
import type { SecretRef } from '../../../inventory/model/specs.js';
import { Secret } from '../../../inventory/secrets/secret.js';
import type { ZabbixConnector } from '../../transports/zabbix/zabbix-connector.js';
import type { ZabbixHostSpec } from './desired-zabbix.js';
import type { SecretMacroFacts } from './zabbix-facts.js';

/** Zabbix's type number of a secret text user macro (its value is write-only in the API). */
export const MACRO_TYPE_SECRET = '1';

/** One secret user macro pytin sets on a host: the value comes from the reference at apply. */
export interface SecretMacroSpec {
  macro: string;
  secret: SecretRef;
  /** For messages: which credential setting it is (`the community of snmp-credentials/x`). */
  what: string;
}

/** The macro names pytin manages; any other macro on a host is someone else's and left alone. */
export const SNMP_COMMUNITY_MACRO = '{$SNMP_COMMUNITY}';
export const SNMPV3_AUTH_MACRO = '{$SNMPV3_AUTHPASS}';
export const SNMPV3_PRIV_MACRO = '{$SNMPV3_PRIVPASS}';

/** The secret macros each switch's host carries: its SNMP credentials, which the SNMP interface
 * names by these macros. Read from the TRUSTED connection settings only: a branch under review
 * cannot point a macro at another secret. */
export function wantedSecretMacros(connections: ConnectionSettings): Map<string, SecretMacroSpec[]> {
  const wanted = new Map<string, SecretMacroSpec[]>();
  for (const sw of connections.switches.values()) {
    if (!sw.snmp) continue;
    const creds = connections.snmpCredentials.get(sw.snmp.credentials);
    if (!creds) continue; // validation reported the dangling reference
    const macros: SecretMacroSpec[] = [];
    const add = (macro: string, ref: SecretRef | undefined, what: string) => {
      if (ref) macros.push({ macro, secret: ref, what: `${what} of ${creds.address} (for ${sw.address}, as the Zabbix macro ${macro})` });
    };
    if (creds.spec.version === 'v3') {
      add(SNMPV3_AUTH_MACRO, creds.spec.authKey, 'the auth key');
      add(SNMPV3_PRIV_MACRO, creds.spec.privKey, 'the privacy key');
    } else add(SNMP_COMMUNITY_MACRO, creds.spec.community, 'the community');
    if (macros.length > 0) wanted.set(sw.address, macros);
  }
  return wanted;
}

/** Resolves the secret macros the published hosts want and fingerprints them with the store's key,
 * beside the fingerprints recorded when pytin last wrote them: the plan compares the two (Zabbix
 * never returns the values). A secret that cannot be resolved, or that the policy does not let go
 * to this Zabbix, is a problem the plan reports; nothing is planned for it. */
export async function observeSecretMacros(
  connector: ZabbixConnector,
  hosts: readonly Pick<ZabbixHostSpec, 'key'>[],
  connections: ConnectionSettings,
): Promise<SecretMacroFacts> {
  const wanted = wantedSecretMacros(connections);
  const current: SecretMacroFacts['current'] = [];
  const problems: Diagnostic[] = [];
  for (const { key } of hosts) {
    for (const m of wanted.get(key) ?? []) {
      const secret = connector.secrets.resolve(m.secret, { what: m.what, address: key });
      if (secret instanceof Secret) current.push({ key, macro: m.macro, fingerprint: await connector.secrets.fingerprint(secret) });
      // A warning, not an error: the rest of the publish (and of the apply) goes on without it.
      else problems.push({ ...secret, severity: 'warning', detail: `${secret.detail ?? ''} The macro ${m.macro} is not published.`.trim() });
    }
  }
  return { current, published: await connector.ledger.macros(), problems };
}
