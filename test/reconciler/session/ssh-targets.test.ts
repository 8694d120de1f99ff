import assert from 'node:assert/strict';
import { realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import type { Address } from '../../../inventory/core/address.js';
import type { ConnectionSettings, ServerConnection } from '../../../inventory/model/connection-settings.js';
import type { Desired } from '../../../inventory/model/desired-state.js';
import type { SshEndpointSpec } from '../../../inventory/model/specs.js';
import type { SecretPolicy } from '../../../inventory/secrets/secret-policy.js';
import { sshTargets } from '../../../reconciler/session/ssh-targets.js';
import { makeTempDir } from '../../lab/daemon.js';

// sshTargets checks an endpoint's key file once for all its servers (issue 14: thousands of
// servers share one key); what differs per server — the destination — is still checked per server.

function server(name: string, host: string): ServerConnection {
  return { name, address: `server/${name}` as Address, roles: [], ssh: { host, port: 22, endpoint: 'ops' }, libvirtUri: undefined, backupAgent: undefined };
}

function connections(...servers: ServerConnection[]): ConnectionSettings {
  const endpoint = {
    address: 'ssh-endpoint/ops' as Address,
    kind: 'SshEndpoint',
    name: 'ops',
    spec: { kind: 'SshEndpoint', name: 'ops', user: 'pytin', privateKey: { file: 'ops-key' }, connectTimeoutMs: 1000, commandTimeoutMs: 1000 },
  } as unknown as Desired<SshEndpointSpec>;
  return { servers: new Map(servers.map((s) => [s.name, s])), sshEndpoints: new Map([['ops', endpoint]]) } as unknown as ConnectionSettings;
}

function policy(dir: string, destinations: SecretPolicy['destinations'] = []): SecretPolicy {
  return { env: {}, allowedEnv: [], dir, maxFileBytes: 1024, destinations };
}

test('servers sharing an endpoint share its checked key; a destination the policy refuses is refused for that server alone', async (t) => {
  const dir = await makeTempDir('ssh-targets');
  t.after(dir.remove);
  writeFileSync(join(dir.path, 'ops-key'), 'a key\n');
  const servers = [server('hv-01', '10.0.0.1'), server('hv-02', '10.0.0.2'), server('hv-03', '10.0.0.3')];
  const allowed = sshTargets(connections(...servers), policy(dir.path));
  assert.deepEqual(allowed.diagnostics, []);
  assert.deepEqual(
    [...allowed.hosts.values()].map((h) => [h.name, h.host, h.privateKeyPath]),
    servers.map((s) => [s.name, s.ssh!.host, realpathSync(join(dir.path, 'ops-key'))]),
  );
  // The key may only go to hv-02's host: the first server fails, the second passes (the file is
  // checked then), the third is refused although the key was already checked.
  const limited = sshTargets(connections(...servers), policy(dir.path, [{ secret: { file: 'ops-key' }, hosts: ['10.0.0.2'] }]));
  assert.deepEqual([...limited.hosts.keys()], ['hv-02']);
  assert.deepEqual(
    limited.diagnostics.map((d) => [d.code, d.address]),
    [
      ['INV_SECRET_DESTINATION_REFUSED', 'server/hv-01'],
      ['INV_SECRET_DESTINATION_REFUSED', 'server/hv-03'],
    ],
  );
});

test('a missing key file is reported for every server of the endpoint', async (t) => {
  const dir = await makeTempDir('ssh-targets');
  t.after(dir.remove);
  const result = sshTargets(connections(server('hv-01', '10.0.0.1'), server('hv-02', '10.0.0.2')), policy(dir.path));
  assert.equal(result.hosts.size, 0);
  assert.deepEqual(
    result.diagnostics.map((d) => [d.code, d.address]),
    [
      ['INV_SECRET_FILE_UNREADABLE', 'server/hv-01'],
      ['INV_SECRET_FILE_UNREADABLE', 'server/hv-02'],
    ],
  );
});
