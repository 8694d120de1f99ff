import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { release } from 'node:os';
import { symlink, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { startSshd, type LabSshd } from '../../../lab/sshd.js';
import { freeTcpPort, makeTempDir } from '../../../lab/daemon.js';
import { writeTestDriverNode } from '../../../lab/libvirt-test-driver.js';
import { SshPool } from '../../../../reconciler/transports/ssh/ssh-pool.js';
import { observeHost, observeHosts } from '../../../../reconciler/observe/hosts/observe-host.js';
import type { HostTarget } from '../../../../reconciler/observe/hosts/host-target.js';
import type { HostFacts } from '../../../../reconciler/observe/hosts/host-facts.js';
import { u32AddressMatches } from '../../../../reconciler/observe/hosts/parse-tc.js';
import { createShapedNamespace, type ShapedNamespace } from './fixtures/tc-namespace.js';
import { DB_01, WEB_01 } from './fixtures/lab-domains.js';

let dir: { path: string; remove(): Promise<void> };
let namespace: ShapedNamespace;
let hypervisor: LabSshd; // commands run inside the shaped namespace
let bare: LabSshd; // a host whose PATH has uname and tc but no virsh
let uri: string;
let pool: SshPool;

before(async () => {
  dir = await makeTempDir('observe-hosts');
  namespace = await createShapedNamespace();
  uri = (await writeTestDriverNode(dir.path, [WEB_01, DB_01])).uri;
  hypervisor = await startSshd({ commandPrefix: `/usr/bin/ip netns exec ${namespace.name}` });
  const bin = join(dir.path, 'bin');
  await mkdir(bin);
  for (const tool of ['uname', 'tc', 'timeout']) {
    await symlink(tool === 'tc' ? '/usr/sbin/tc' : `/usr/bin/${tool}`, join(bin, tool));
  }
  bare = await startSshd({ commandPrefix: `/usr/bin/env PATH=${bin}`, clientKeyPath: hypervisor.clientKeyPath });
  pool = new SshPool({ knownHostsPath: join(dir.path, 'known_hosts'), trustNewHosts: true, connectTimeoutMs: 5000 });
});
after(async () => {
  await pool?.close();
  await bare?.stop();
  await hypervisor?.stop();
  await namespace?.remove();
  await dir?.remove();
});

function target(s: LabSshd, name: string, extra: Partial<HostTarget> = {}): HostTarget {
  return { name, host: '127.0.0.1', port: s.port, user: s.user, privateKeyPath: s.clientKeyPath, virshUri: uri, tcInterfaces: [], ...extra };
}

function codes(facts: HostFacts): string[] {
  return facts.diagnostics.map((d) => d.code);
}

test('a hypervisor reports its basics, its libvirt domains and its tc setup over SSH', async () => {
  const facts = await observeHost(target(hypervisor, 'hv1', { tcInterfaces: ['veth0'] }), { pool });
  assert.deepEqual(facts.diagnostics, []);
  assert.equal(facts.host, 'hv1');
  assert.equal(facts.basics?.kernel, release());
  assert.ok((facts.basics?.uptimeSeconds ?? 0) > 0);

  assert.deepEqual(facts.domains?.map((d) => [d.name, d.state, d.vcpu, d.memoryKiB]), [
    ['db-01', 'shut-off', 4, 1048576],
    ['web-01', 'running', 2, 2097152],
  ]);
  const web = facts.domains?.find((d) => d.name === 'web-01');
  assert.equal(web?.uuid, '0b5a7a52-1d4e-4b3c-9c56-0a2f5f0c0001');
  assert.deepEqual(web?.disks, [
    { device: 'disk', type: 'file', source: '/var/lib/libvirt/images/web-01.qcow2', target: 'vda', bus: 'virtio', format: 'qcow2' },
    { device: 'cdrom', type: 'file', source: '/srv/iso/debian-12.iso', target: 'sda', bus: 'sata', format: null },
  ]);
  assert.equal(web?.interfaces.length, 1);
  const nic = web!.interfaces[0]!;
  assert.equal(nic.mac, '52:54:00:aa:00:01');
  assert.equal(nic.bridge, 'br0');
  assert.equal(nic.model, 'virtio');
  assert.deepEqual(nic.bandwidth, {
    inbound: { averageKiBps: 12500, peakKiBps: 25000, burstKiB: 1024, floorKiBps: null },
    outbound: { averageKiBps: 6250, peakKiBps: null, burstKiB: null, floorKiBps: null },
  });
  assert.deepEqual(web?.pytin, [
    {
      name: 'owner',
      attributes: { tenant: 'acme', address: 'vm/web-01', revision: 'abc123' },
      text: '',
      children: [{ name: 'note', attributes: {}, text: 'managed & tracked', children: [] }],
    },
  ]);
  const db = facts.domains?.find((d) => d.name === 'db-01');
  assert.equal(db?.pytin, null);
  assert.deepEqual(db?.interfaces.map((i) => [i.type, i.network, i.bandwidth]), [['network', 'default', { inbound: null, outbound: null }]]);

  const veth = facts.tc?.interfaces.find((i) => i.device === 'veth0');
  assert.ok(veth);
  assert.deepEqual(veth.qdiscs.map((q) => [q.kind, q.handle, q.parent]), [
    ['htb', '1:', 'root'],
    ['ingress', 'ffff:', 'ffff:fff1'],
  ]);
  assert.deepEqual(veth.classes.map((c) => [c.kind, c.handle, c.parent, c.raw.rateBitsPerSecond]), [
    ['htb', '1:1', 'root', 100_000_000],
    ['htb', '1:10', 'root', 10_000_000],
    ['htb', '1:20', '1:1', 5_000_000],
  ]);
  const rules = veth.filters
    .filter((f) => u32AddressMatches(f).length > 0)
    .map((f) => [f.parent, (f.raw.options as Record<string, unknown>).flowid ?? null, u32AddressMatches(f)] as const)
    .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
  assert.deepEqual(rules, [
    ['1:', '1:10', [{ field: 'dst', cidr: '10.0.0.5/32' }]],
    [
      '1:1',
      '1:20',
      [
        { field: 'dst', cidr: '10.0.1.0/24' },
        { field: 'src', cidr: '10.0.0.8/32' },
      ],
    ],
    ['ffff:', null, [{ field: 'src', cidr: '10.0.0.5/32' }]],
  ]);
});

test('a host without virsh gets OBS_HOST_COMMAND_MISSING for its domains; its other facts are still observed', async () => {
  const facts = await observeHost(target(bare, 'backup1', { tcInterfaces: ['lo'] }), { pool });
  assert.deepEqual(codes(facts), ['OBS_HOST_COMMAND_MISSING']);
  assert.match(facts.diagnostics[0]!.summary, /domains: "virsh" is not installed on backup1/);
  assert.equal(facts.diagnostics[0]!.address, 'server/backup1');
  assert.equal(facts.domains, null);
  assert.ok(facts.basics);
  assert.deepEqual(facts.tc?.interfaces.map((i) => i.device), ['lo']);
});

test('a virsh URI that leads nowhere is OBS_HOST_COMMAND_FAILED with virsh\'s own message', async () => {
  const facts = await observeHost(target(hypervisor, 'hv1', { virshUri: `test://${dir.path}/no-such-node.xml` }), { pool });
  assert.deepEqual(codes(facts), ['OBS_HOST_COMMAND_FAILED']);
  assert.match(facts.diagnostics[0]!.summary, /domains: virsh failed on hv1 \(exit 1\): .*failed to connect to the hypervisor/);
  assert.equal(facts.domains, null);
  assert.ok(facts.basics);
});

test('a tc interface that does not exist is OBS_HOST_TC_DEVICE_MISSING and leaves tc unknown', async () => {
  const facts = await observeHost(target(hypervisor, 'hv1', { tcInterfaces: ['veth0', 'br-nope'] }), { pool });
  assert.deepEqual(codes(facts), ['OBS_HOST_TC_DEVICE_MISSING']);
  assert.match(facts.diagnostics[0]!.summary, /"br-nope" does not exist on hv1/);
  assert.equal(facts.tc, null);
  assert.equal(facts.domains?.length, 2);
});

test('a host that is down is one OBS_HOST_UNREACHABLE diagnostic; the other hosts are still observed', async () => {
  const downPort = await freeTcpPort();
  const results = await observeHosts(
    [target(hypervisor, 'hv1'), target(hypervisor, 'hv-down', { port: downPort }), target(bare, 'backup1')],
    { pool, concurrency: 3 },
  );
  assert.deepEqual(results.map((r) => r.host), ['hv1', 'hv-down', 'backup1']);
  const [up, down, other] = results;
  assert.equal(up!.domains?.length, 2);
  assert.deepEqual(codes(down!), ['OBS_HOST_UNREACHABLE']);
  assert.match(down!.diagnostics[0]!.summary, /connection refused/);
  assert.deepEqual([down!.basics, down!.domains, down!.tc], [null, null, null]);
  assert.ok(other!.basics);
});

test('an unknown host key without --trust-new-hosts is OBS_HOST_KEY_UNKNOWN and nothing is run', async (t) => {
  const strict = new SshPool({ knownHostsPath: join(dir.path, 'empty_known_hosts'), trustNewHosts: false });
  t.after(() => strict.close());
  const facts = await observeHost(target(hypervisor, 'hv1'), { pool: strict });
  assert.deepEqual(codes(facts), ['OBS_HOST_KEY_UNKNOWN']);
  assert.match(facts.diagnostics[0]!.summary, /--trust-new-hosts/);
  assert.deepEqual([facts.basics, facts.domains, facts.tc], [null, null, null]);
});
