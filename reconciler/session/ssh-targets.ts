import type { Diagnostic } from '../../inventory/core/diagnostic.js';
import type { ConnectionSettings } from '../../inventory/model/connection-settings.js';
import { destinationRefusal, resolveSecret, secretFilePath } from '../../inventory/secrets/resolve-secret.js';
import { Secret } from '../../inventory/secrets/secret.js';
import type { SecretPolicy } from '../../inventory/secrets/secret-policy.js';
import type { SshTarget } from '../transports/ssh/ssh-target.js';

/** Every server with an `ssh` section (trusted connection settings) as an SSH target. SSH keys
 * must be `{file: PATH}` references in the secrets folder: ssh2 reads the key from the file, and a
 * key in an environment variable would have to be written to disk first (not supported; said as
 * a diagnostic). The key file is checked like any secret (in the folder, regular, small, allowed
 * for this host) before any connection is made. */
export function sshTargets(connections: ConnectionSettings, secrets: SecretPolicy): { hosts: Map<string, SshTarget>; diagnostics: Diagnostic[] } {
  const hosts = new Map<string, SshTarget>();
  const diagnostics: Diagnostic[] = [];
  // By endpoint: the real path of its key once the key file passed the checks for one server. The
  // file checks (in the folder, regular, small) depend on the reference alone, so they are made
  // once per endpoint and not once per server (a fleet of thousands shares one key: thousands of
  // opens and realpaths per plan); the destination is each server's own and checked for each.
  const checkedKeys = new Map<string, string>();
  for (const server of connections.servers.values()) {
    if (!server.ssh) continue;
    const endpoint = connections.sshEndpoints.get(server.ssh.endpoint);
    if (!endpoint) continue; // validation reported the dangling reference
    const ref = endpoint.spec.privateKey;
    const use = { what: `the SSH key of ${endpoint.address} (for ${server.address})`, address: server.address, destination: server.ssh.host };
    if (ref.file === undefined) {
      diagnostics.push({
        severity: 'error',
        code: 'INV_SECRET_FILE_UNREADABLE',
        summary: `the SSH key of ${endpoint.address} must be a {file: PATH} reference`,
        detail: 'pytin hands the key file to SSH; keys held in environment variables are not supported yet.',
        address: server.address,
      });
      continue;
    }
    const known = checkedKeys.get(server.ssh.endpoint);
    if (known !== undefined) {
      const refused = destinationRefusal(ref, secrets, use);
      if (refused) diagnostics.push(refused);
      else hosts.set(server.name, { name: server.name, host: server.ssh.host, port: server.ssh.port, user: endpoint.spec.user, privateKeyPath: known });
      continue;
    }
    const checked = resolveSecret(ref, secrets, use);
    const path = checked instanceof Secret ? secretFilePath({ file: ref.file }, secrets, use) : checked;
    if (typeof path !== 'string') {
      diagnostics.push(path);
      continue;
    }
    checkedKeys.set(server.ssh.endpoint, path);
    hosts.set(server.name, { name: server.name, host: server.ssh.host, port: server.ssh.port, user: endpoint.spec.user, privateKeyPath: path });
  }
  return { hosts, diagnostics };
}
