import type { Diagnostic } from '../../inventory/core/diagnostic.js';
import { resourcesOfKind, type DesiredState } from '../../inventory/model/desired-state.js';
import type { BackupPolicySpec, ServerSpec, SshEndpointSpec } from '../../inventory/model/specs.js';
import { backupPolicyTarget, DEFAULT_AGENT } from '../drivers/backup-policy/policy-files.js';
import { isAbsolute, join } from 'node:path';
import type { HostTarget } from './hosts/host-target.js';
import { shapingDevices } from '../drivers/bandwidth/compile-shaping.js';

/** Every server with an `ssh` section as a host to observe. SSH keys must be `{file: PATH}`
 * references: ssh2 reads the key from the file, and a key in an environment variable would
 * have to be written to disk first (not supported yet; said as a diagnostic). */
export function hostTargets(state: DesiredState, inventoryRoot: string): { hosts: HostTarget[]; diagnostics: Diagnostic[] } {
  const endpoints = new Map(resourcesOfKind<SshEndpointSpec>(state, 'SshEndpoint').map((e) => [e.name, e]));
  const hosts: HostTarget[] = [];
  const diagnostics: Diagnostic[] = [];
  const policiesByHost = new Map<string, BackupPolicySpec[]>();
  for (const policy of resourcesOfKind<BackupPolicySpec>(state, 'BackupPolicy')) {
    policiesByHost.set(policy.spec.host, [...(policiesByHost.get(policy.spec.host) ?? []), policy.spec]);
  }
  for (const server of resourcesOfKind<ServerSpec>(state, 'Server')) {
    const ssh = server.spec.ssh;
    if (!ssh) continue;
    const endpoint = endpoints.get(ssh.endpoint);
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
    hosts.push({
      name: server.name,
      host: ssh.host,
      port: ssh.port,
      user: endpoint.spec.user,
      privateKeyPath: isAbsolute(keyFile) ? keyFile : join(inventoryRoot, keyFile),
      ...(server.spec.roles?.includes('hypervisor') && server.spec.libvirt ? { virshUri: server.spec.libvirt.uri } : {}),
      tcInterfaces: server.spec.shaping?.interfaces ?? [],
      // The ifb devices upload shaping uses appear with the first apply.
      tcOptionalInterfaces: shapingDevices(server.spec.shaping).filter((d) => !(server.spec.shaping?.interfaces ?? []).includes(d)),
      backupPolicies: (policiesByHost.get(server.name) ?? []).map((policy) => backupPolicyTarget(policy, server.spec.backupAgent ?? DEFAULT_AGENT)),
      // Backup nodes and hosts with policies are checked for schedules git no longer has.
      ...(policiesByHost.has(server.name) || server.spec.roles?.includes('backup-node') ? { backupCronDir: (server.spec.backupAgent ?? DEFAULT_AGENT).cronDir } : {}),
    });
  }
  return { hosts, diagnostics };
}
