import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';

import { observeDomains } from '../../../../reconciler/drivers/kvm/observe-domains.js';
import { SshPool } from '../../../../reconciler/transports/ssh/ssh-pool.js';
import type { SshTarget } from '../../../../reconciler/transports/ssh/ssh-target.js';
import { makeTempDir } from '../../../lab/daemon.js';
import { type LabLibvirtd, startLabLibvirtd } from '../../../lab/libvirtd.js';
import { type LabSshd, startSshd } from '../../../lab/sshd.js';
import { WEB_01 } from './fixtures/lab-domains.js';

const run = promisify(execFile);
let dir: { path: string; remove(): Promise<void> };
let libvirtd: LabLibvirtd;
let sshd: LabSshd;
let pool: SshPool;

before(async () => {
  dir = await makeTempDir('libvirtd-shared');
  libvirtd = await startLabLibvirtd();
  sshd = await startSshd();
  pool = new SshPool({ knownHostsPath: join(dir.path, 'known_hosts'), trustNewHosts: true });
});
after(async () => {
  await pool?.close();
  await sshd?.stop();
  await libvirtd?.stop();
  await dir?.remove();
});

const virsh = (...args: string[]) => run('/usr/bin/virsh', ['-c', libvirtd.uri, ...args]);

test('a domain defined and retuned by other virsh processes is observed over SSH with its live state', async () => {
  const xml = join(dir.path, 'web-01.xml');
  await writeFile(xml, WEB_01);
  await virsh('define', xml);
  const target: SshTarget = { name: 'hv1', host: '127.0.0.1', port: sshd.port, user: sshd.user, privateKeyPath: sshd.clientKeyPath };
  const observeHost = (t: SshTarget, { pool }: { pool: SshPool }) => observeDomains({ pool, target: t, timeoutMs: 60_000 }, libvirtd.uri);
  const first = await observeHost(target, { pool });
  assert.deepEqual(first.diagnostics, []);
  assert.deepEqual(
    first.facts?.map((d) => [d.name, d.state]),
    [
      ['test', 'running'],
      ['web-01', 'shut-off'],
    ],
  );

  await virsh('start', 'web-01');
  await virsh('domiftune', 'web-01', '52:54:00:aa:00:01', '--config', '--inbound', '25000,50000,2048');
  const second = await observeHost(target, { pool });
  const web = second.facts?.find((d) => d.name === 'web-01');
  assert.equal(web?.state, 'running');
  // dumpxml shows the live definition; --config changes the persistent one.
  const persistent = await virsh('dumpxml', '--inactive', 'web-01');
  assert.match(persistent.stdout, /<inbound average='25000' peak='50000' burst='2048'\/>/);
  assert.equal(web?.interfaces[0]?.bandwidth.inbound?.averageKiBps, 12500);

  await virsh('domiftune', 'web-01', '52:54:00:aa:00:01', '--live', '--outbound', '9000');
  const third = await observeHost(target, { pool });
  const retuned = third.facts?.find((d) => d.name === 'web-01')?.interfaces[0]?.bandwidth;
  assert.equal(retuned?.outbound?.averageKiBps, 9000);
  assert.equal(retuned?.inbound?.averageKiBps, 12500);
});
