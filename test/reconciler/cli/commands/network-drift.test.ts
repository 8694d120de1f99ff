import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { COMMANDS } from '../../../../reconciler/cli/commands.js';
import { runCli } from '../../../../reconciler/cli/run-cli.js';
import { observeInventory } from '../../../../reconciler/observe/observe-inventory.js';
import { ipHistory } from '../../../../reconciler/store/facts/ip-history.js';
import { openStore } from '../../../../reconciler/store/open-store.js';
import { SshPool } from '../../../../reconciler/transports/ssh/ssh-pool.js';
import { freeUdpPort, makeTempDir } from '../../../lab/daemon.js';
import { arpRecords, fdbRecords, writeEditedRecording } from '../../../lab/edited-recording.js';
import { snmpFixturesDir } from '../../../lab/snmp-fixtures.js';
import { startSnmpsim } from '../../../lab/snmpsim.js';
import { generateKey } from '../../../lab/sshd.js';
import { captureIO } from '../../../support/capture-io.js';
import { makeRepo } from '../../../support/git-repo.js';
import { labTexts } from '../../../support/lab-inventory.js';

// Network drift from a served recording of a real switch, through pytin's SNMP observer and the
// SQLite store, to `pytin plan`: nothing hand-built between the agent and the plan. The switch is
// the recorded Cisco 3750 (sw-r01 of examples/lab) with the rows each case needs added.

const DAY = 86_400_000;
const COMMUNITY = 'sw-r01-recorded';
const VLAN100 = 100; // ifIndex of Vl100 in the recording, where its ARP rows live
const HV01_MAC = '0c:c4:7a:10:00:01'; // examples/lab: hv-01 eno1, cabled to sw-r01 Gi1/0/1
const BRIDGE_PORT_GI1_0_5 = 5; // dot1dBasePortIfIndex.5 = 10105, whose ifName is Gi1/0/5

interface DriftMessage {
  type: string;
  address?: string;
  kind?: string;
  message?: string;
  evidence?: { where: string; seenAt: string };
}

test('drift from a real agent through the store: an unallocated address answering, a MAC on the wrong port, an address not seen for 40 days', async (t) => {
  const temp = await makeTempDir('network-drift');
  t.after(temp.remove);
  const port = await freeUdpPort();
  const texts = labTexts();
  texts.set('network/switches.yaml', texts.get('network/switches.yaml')!.replace('port: 16101', `port: ${port}`));
  const repo = await makeRepo(texts);
  t.after(repo.remove);
  const storePath = join(repo.path, '.pytin', 'store.sqlite');
  // The lab inventory's other credentials must resolve too (observe checks them all first).
  mkdirSync(join(repo.path, '.pytin', 'secrets', 'lab'), { recursive: true });
  await generateKey(join(repo.path, '.pytin', 'secrets', 'lab', 'id_ed25519'));

  // 40 days ago (the clock injected into the observer): acme-web-01's 203.0.113.10 answered.
  const before = join(temp.path, 'before');
  mkdirSync(before);
  await writeEditedRecording(snmpFixturesDir(), 'cisco-c3750', before, COMMUNITY, arpRecords(VLAN100, '203.0.113.10', '52:54:00:a0:00:01'));
  const longAgo = Date.now() - 40 * DAY;
  {
    const agent = await startSnmpsim(before, [COMMUNITY], port);
    const store = await openStore(storePath);
    const pool = new SshPool({ knownHostsPath: join(temp.path, 'known_hosts'), trustNewHosts: false });
    try {
      const target = { version: '2c' as const, host: '127.0.0.1', port, community: COMMUNITY, timeoutMs: 5000, retries: 2 };
      const [result] = await observeInventory([{ source: 'snmp', device: { name: 'sw-r01', target } }], { store, pool, parallelism: 1, now: () => longAgo });
      assert.equal(result?.ok, true, JSON.stringify(result?.diagnostics));
      assert.deepEqual(
        (await ipHistory(store, '203.0.113.10')).map((h) => h.lastSeen),
        [longAgo],
        'the store holds the 40-day-old sighting',
      );
    } finally {
      await pool.close();
      await store.close();
      await agent.stop();
    }
  }

  // Now: 203.0.113.10 is gone, 203.0.113.77 (in lab1-public, held by nobody) answers, and hv-01's
  // MAC is learned on Gi1/0/5 although git cables it to Gi1/0/1.
  const now = join(temp.path, 'now');
  mkdirSync(now);
  await writeEditedRecording(snmpFixturesDir(), 'cisco-c3750', now, COMMUNITY, [
    ...arpRecords(VLAN100, '203.0.113.77', '52:54:00:99:99:77'),
    ...fdbRecords(HV01_MAC, BRIDGE_PORT_GI1_0_5),
  ]);
  const agent = await startSnmpsim(now, [COMMUNITY], port);
  t.after(agent.stop);
  const pytin = async (...args: string[]) => {
    const io = captureIO(repo.path, { PYTIN_SECRET_SW_R01_COMMUNITY: COMMUNITY, PYTIN_SECRET_SW_R02_COMMUNITY: 'not-observed-here' });
    const code = await runCli(COMMANDS, args, io);
    return { code, out: io.out(), err: io.err() };
  };
  const observed = await pytin('observe', '--only', 'snmp', '--device', 'sw-r01');
  assert.equal(observed.code, 0, observed.out + observed.err);

  const plan = await pytin('plan', '--json');
  const drift = plan.out
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as DriftMessage)
    .filter((m) => m.type === 'drift' && ['unallocated-address-in-use', 'address-not-seen', 'mac-on-unexpected-port'].includes(m.kind ?? ''));
  assert.deepEqual(drift.map((d) => `${d.kind} ${d.address}`).sort(), [
    'address-not-seen ip/203.0.113.10',
    'mac-on-unexpected-port server/hv-01/eno1',
    'unallocated-address-in-use ip/203.0.113.77',
  ]);
  const byKind = new Map(drift.map((d) => [d.kind, d]));
  assert.match(byKind.get('unallocated-address-in-use')!.evidence!.where, /^sw-r01 .*\(MAC 52:54:00:99:99:77\)$/);
  assert.match(byKind.get('address-not-seen')!.message!, /held by vm\/acme-web-01\S* but not seen for 40 days \(threshold 31\)/);
  assert.equal(byKind.get('address-not-seen')!.evidence!.seenAt, new Date(longAgo).toISOString());
  assert.equal(byKind.get('mac-on-unexpected-port')!.message, `MAC ${HV01_MAC} is seen on sw-r01 Gi1/0/5, but git cables it to sw-r01 Gi1/0/1`);
});
