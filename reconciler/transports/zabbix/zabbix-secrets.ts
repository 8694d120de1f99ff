import type { Diagnostic } from '../../../inventory/core/diagnostic.js';
import type { SecretRef } from '../../../inventory/model/specs.js';
import type { Secret } from '../../../inventory/secrets/secret.js';

/** How the Zabbix driver gets the secret values it publishes as user macros: resolved by the
 * session under the operator's secret policy with this Zabbix's host as the destination (a secret
 * the policy does not let go there is a diagnostic, never a value), and fingerprinted with the
 * store's key for comparison with what was last published. */
export interface ZabbixSecrets {
  resolve(ref: SecretRef, use: { what: string; address: string }): Secret | Diagnostic;
  fingerprint(secret: Secret): Promise<string>;
}
