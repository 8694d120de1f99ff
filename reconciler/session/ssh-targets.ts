import { isAbsolute, join } from 'node:path';
import type { Diagnostic } from '../../inventory/core/diagnostic.js';
import type { ConnectionSettings } from '../../inventory/model/connection-settings.js';
import type { SecretContext } from '../../inventory/secrets/resolve-secret.js';
import type { SshTarget } from '../transports/ssh/ssh-target.js';

/** Every server with an `ssh` section (trusted connection settings) as an SSH target. SSH keys
 * must be `{file: PATH}` references: ssh2 reads the key from the file, and a key in an
 * environment variable would have to be written to disk first (not supported; said as a
 * diagnostic). */
export function sshTargets(connections: ConnectionSettings, secrets: SecretContext): { hosts: Map<string, SshTarget>; diagnostics: Diagnostic[] } {
  const hosts = new Map<string, SshTarget>();
  const diagnostics: Diagnostic[] = [];
  for (const server of connections.servers.values()) {
    if (!server.ssh) continue;
    const endpoint = connections.sshEndpoints.get(server.ssh.endpoint);
    if (!endpoint) continue; // validation reported the dangling reference
    const keyFile = endpoint.spec.privateKey.file;
    if (keyFile === undefined) {
      diagnostics.push({
        severity: 'error',
        code: 'INV_SECRET_FILE_UNREADABLE',
        summary: `the SSH key of ${endpoint.address} must be a {file: PATH} reference`,
        detail: 'pytin hands the key file to SSH; keys held in environment variables are not supported yet.',
        address: server.address,
      });
      continue;
    }
    hosts.set(server.name, {
      name: server.name,
      host: server.ssh.host,
      port: server.ssh.port,
      user: endpoint.spec.user,
      privateKeyPath: isAbsolute(keyFile) ? keyFile : join(secrets.baseDir, keyFile),
    });
  }
  return { hosts, diagnostics };
}
