import assert from 'node:assert/strict';
import { mkdir, symlink } from 'node:fs/promises';
import { release } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { tcProbe } from '../../../../reconciler/drivers/bandwidth/observe-tc.js';
import { u32AddressMatches } from '../../../../reconciler/drivers/bandwidth/parse-tc.js';
import type { TcFacts } from '../../../../reconciler/drivers/bandwidth/tc-facts.js';
import type { DomainFacts } from '../../../../reconciler/drivers/kvm/domain-facts.js';
import { domainsProbe } from '../../../../reconciler/drivers/kvm/observe-domains.js';
import type { HostObservation } from '../../../../reconciler/observe/hosts/host-observation.js';
import type { HostProbe } from '../../../../reconciler/observe/hosts/host-probe.js';
import { observeHost } from '../../../../reconciler/observe/hosts/observe-host.js';
import { SshPool } from '../../../../reconciler/transports/ssh/ssh-pool.js';
import type { SshTarget } from '../../../../reconciler/transports/ssh/ssh-target.js';
import { freeTcpPort, makeTempDir } from '../../../lab/daemon.js';
import { writeTestDriverNode } from '../../../lab/libvirt-test-driver.js';
import { type LabSshd, startSshd } from '../../../lab/sshd.js';
import { DB_01, WEB_01 } from '../../drivers/kvm/fixtures/lab-domains.js';
import { createShapedNamespace, type ShapedNamespace } from './fixtures/tc-namespace.js';

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

/** A host as the session would observe it: the KVM driver's probe (virsh URI) and the tc
 * driver's probe (interfaces), as the drivers build them. */
interface HostUnderTest {
  port?: number;
  virshUri?: string;
  tcInterfaces?: string[];
}

function target(s: LabSshd, name: string, port?: number): SshTarget {
  return { name, host: '127.0.0.1', port: port ?? s.port, user: s.user, privateKeyPath: s.clientKeyPath };
}

function observe(s: LabSshd, name: string, host: HostUnderTest = {}, options: { pool?: SshPool } = {}): Promise<HostObservation> {
  const probes: HostProbe[] = [domainsProbe(host.virshUri ?? uri), tcProbe({ interfaces: host.tcInterfaces ?? [], optional: [] })];
  return observeHost(target(s, name, host.port), probes, { pool: options.pool ?? pool });
}

const domainsOf = (o: HostObservation) => o.facts.get('domains') as DomainFacts[] | null;
const tcOf = (o: HostObservation) => o.facts.get('tc') as TcFacts | null;

function codes(facts: HostObservation): string[] {
  return facts.diagnostics.map((d) => d.code);
}

test('a hypervisor reports its basics, its libvirt domains and its tc setup over SSH', async () => {
  const facts = await observe(hypervisor, 'hv1', { tcInterfaces: ['veth0'] });
  assert.deepEqual(facts.diagnostics, []);
  assert.equal(facts.host, 'hv1');
  assert.equal(facts.basics?.kernel, release());
  assert.ok((facts.basics?.uptimeSeconds ?? 0) > 0);

  assert.deepEqual(
    domainsOf(facts)?.map((d) => [d.name, d.state, d.vcpu, d.memoryKiB]),
    [
      ['db-01', 'shut-off', 4, 1048576],
      ['web-01', 'running', 2, 2097152],
    ],
  );
  const web = domainsOf(facts)?.find((d) => d.name === 'web-01');
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
  const db = domainsOf(facts)?.find((d) => d.name === 'db-01');
  assert.equal(db?.pytin, null);
  assert.deepEqual(
    db?.interfaces.map((i) => [i.type, i.network, i.bandwidth]),
    [['network', 'default', { inbound: null, outbound: null }]],
  );

  const veth = tcOf(facts)?.interfaces.find((i) => i.device === 'veth0');
  assert.ok(veth);
  assert.deepEqual(
    veth.qdiscs.map((q) => [q.kind, q.handle, q.parent]),
    [
      ['htb', '1:', 'root'],
      ['ingress', 'ffff:', 'ffff:fff1'],
    ],
  );
  assert.deepEqual(
    veth.classes.map((c) => [c.kind, c.handle, c.parent, c.raw.rateBitsPerSecond]),
    [
      ['htb', '1:1', 'root', 100_000_000],
      ['htb', '1:10', 'root', 10_000_000],
      ['htb', '1:20', '1:1', 5_000_000],
    ],
  );
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
  const facts = await observe(bare, 'backup1', { tcInterfaces: ['lo'] });
  assert.deepEqual(codes(facts), ['OBS_HOST_COMMAND_MISSING']);
  assert.match(facts.diagnostics[0]!.summary, /domains: "virsh" is not installed on backup1/);
  assert.equal(facts.diagnostics[0]!.address, 'server/backup1');
  assert.equal(domainsOf(facts), null);
  assert.ok(facts.basics);
  assert.deepEqual(
    tcOf(facts)?.interfaces.map((i) => i.device),
    ['lo'],
  );
});

test("a virsh URI that leads nowhere is OBS_HOST_COMMAND_FAILED with virsh's own message", async () => {
  const facts = await observe(hypervisor, 'hv1', { virshUri: `test://${dir.path}/no-such-node.xml` });
  assert.deepEqual(codes(facts), ['OBS_HOST_COMMAND_FAILED']);
  assert.match(facts.diagnostics[0]!.summary, /domains: virsh failed on hv1 \(exit 1\): .*failed to connect to the hypervisor/);
  assert.equal(domainsOf(facts), null);
  assert.ok(facts.basics);
});

test('a tc interface that does not exist is OBS_HOST_TC_DEVICE_MISSING and leaves tc unknown', async () => {
  const facts = await observe(hypervisor, 'hv1', { tcInterfaces: ['veth0', 'br-nope'] });
  assert.deepEqual(codes(facts), ['OBS_HOST_TC_DEVICE_MISSING']);
  assert.match(facts.diagnostics[0]!.summary, /"br-nope" does not exist on hv1/);
  assert.equal(tcOf(facts), null);
  assert.equal(domainsOf(facts)?.length, 2);
});

test('a host that is down is one OBS_HOST_UNREACHABLE diagnostic; the other hosts are still observed', async () => {
  const downPort = await freeTcpPort();
  const results = await Promise.all([observe(hypervisor, 'hv1'), observe(hypervisor, 'hv-down', { port: downPort }), observe(bare, 'backup1')]);
  assert.deepEqual(
    results.map((r) => r.host),
    ['hv1', 'hv-down', 'backup1'],
  );
  const [up, down, other] = results;
  assert.equal(domainsOf(up!)?.length, 2);
  assert.deepEqual(codes(down!), ['OBS_HOST_UNREACHABLE']);
  assert.match(down!.diagnostics[0]!.summary, /connection refused/);
  assert.deepEqual([down!.basics, domainsOf(down!), tcOf(down!)], [null, null, null]);
  assert.ok(other!.basics);
});

test('an unknown host key without --trust-new-hosts is OBS_HOST_KEY_UNKNOWN and nothing is run', async (t) => {
  const strict = new SshPool({ knownHostsPath: join(dir.path, 'empty_known_hosts'), trustNewHosts: false });
  t.after(() => strict.close());
  const facts = await observe(hypervisor, 'hv1', {}, { pool: strict });
  assert.deepEqual(codes(facts), ['OBS_HOST_KEY_UNKNOWN']);
  assert.match(facts.diagnostics[0]!.summary, /--trust-new-hosts/);
  assert.deepEqual([facts.basics, domainsOf(facts), tcOf(facts)], [null, null, null]);
});
