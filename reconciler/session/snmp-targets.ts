import type { Diagnostic } from '../../inventory/core/diagnostic.js';
import type { ConnectionSettings } from '../../inventory/model/connection-settings.js';
import type { SnmpCredentialsSpec } from '../../inventory/model/specs.js';
import { resolveSecret } from '../../inventory/secrets/resolve-secret.js';
import { Secret } from '../../inventory/secrets/secret.js';
import type { SecretPolicy } from '../../inventory/secrets/secret-policy.js';
import type { DeviceToObserve } from '../observe/observe-inventory.js';
import { DEFAULT_SNMP_AUTH_PROTOCOL, DEFAULT_SNMP_PRIV_PROTOCOL } from '../transports/snmp/snmp-target.js';

/** Turns every switch with an `snmp` section (trusted connection settings) into an SNMP target,
 * resolving its credentials. A switch whose credentials cannot be resolved is a diagnostic and is
 * left out. */
export function snmpTargets(connections: ConnectionSettings, secrets: SecretPolicy): { devices: DeviceToObserve[]; diagnostics: Diagnostic[] } {
  const devices: DeviceToObserve[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const sw of connections.switches.values()) {
    const snmp = sw.snmp;
    if (!snmp) continue;
    const creds = connections.snmpCredentials.get(snmp.credentials);
    if (!creds) continue; // validation reported the dangling reference
    const reveal = (ref: SnmpCredentialsSpec['community'], what: string): string | undefined => {
      if (!ref) return undefined;
      const secret = resolveSecret(ref, secrets, { what: `${what} of ${creds.address} (for ${sw.address})`, address: sw.address, destination: snmp.host });
      if (secret instanceof Secret) return secret.reveal();
      diagnostics.push(secret);
      return undefined;
    };
    const base = { host: snmp.host, port: snmp.port, timeoutMs: snmp.timeoutMs, retries: snmp.retries };
    if (creds.spec.version !== 'v3') {
      const community = reveal(creds.spec.community, 'the community');
      const version = creds.spec.version === 'v1' ? '1' : '2c';
      if (community !== undefined)
        devices.push({ name: sw.name, target: { ...base, version, community, ...(snmp.vlanCommunityIndexing ? { vlanCommunityIndexing: true } : {}) } });
      continue;
    }
    const authKey = reveal(creds.spec.authKey, 'the auth key');
    const privKey = reveal(creds.spec.privKey, 'the privacy key');
    if ((creds.spec.authKey && authKey === undefined) || (creds.spec.privKey && privKey === undefined)) continue;
    devices.push({
      name: sw.name,
      target: {
        ...base,
        version: '3',
        user: creds.spec.user ?? '',
        ...(authKey !== undefined ? { auth: { protocol: creds.spec.authProtocol ?? DEFAULT_SNMP_AUTH_PROTOCOL, key: authKey } } : {}),
        ...(privKey !== undefined ? { priv: { protocol: creds.spec.privProtocol ?? DEFAULT_SNMP_PRIV_PROTOCOL, key: privKey } } : {}),
      },
    });
  }
  return { devices, diagnostics };
}
