import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { COMMANDS } from '../../../../reconciler/cli/commands.js';
import { runCli } from '../../../../reconciler/cli/run-cli.js';
import { freeUdpPort, makeTempDir } from '../../../lab/daemon.js';
import { arpRecords, writeEditedRecording } from '../../../lab/edited-recording.js';
import { snmpFixturesDir } from '../../../lab/snmp-fixtures.js';
import { startSnmpsim } from '../../../lab/snmpsim.js';
import { generateKey } from '../../../lab/sshd.js';
import { captureIO } from '../../../support/capture-io.js';
import { makeRepo } from '../../../support/git-repo.js';
import { labTexts } from '../../../support/lab-inventory.js';

// Reservations that were never used, from a served recording of a real switch through pytin's
// SNMP observer and the SQLite store to `pytin plan` (the recorded Cisco 3750 is sw-r01 of
// examples/lab, with one ARP row added).

const DAY = 86_400_000;
const COMMUNITY = 'sw-r01-recorded';
const VLAN100 = 100; // ifIndex of Vl100 in the recording, where its ARP rows live

interface DriftMessage {
  type: string;
  address?: string;
  kind?: string;
  message?: string;
  evidence?: { where: string };
}

test('a reservation dated 20 days ago that never answered is drift; one that answers, and one without a date, are not', async (t) => {
  const temp = await makeTempDir('reservation-drift');
  t.after(temp.remove);
  const port = await freeUdpPort();
  const reservedAt = new Date(Date.now() - 20 * DAY).toISOString().slice(0, 10);
  const texts = labTexts();
  texts.set('network/switches.yaml', texts.get('network/switches.yaml')!.replace('port: 16101', `port: ${port}`));
  const pools = texts.get('network/pools.yaml')!;
  const reserved = '  - {ip: 203.0.113.200, tenant: globex, note: promised for the new load balancer}\n';
  assert.ok(pools.includes(reserved));
  texts.set(
    'network/pools.yaml',
    pools.replace(
      reserved,
      [
        `  - {ip: 203.0.113.200, tenant: globex, reservedAt: ${reservedAt}, note: promised for the new load balancer}`,
        `  - {ip: 203.0.113.201, tenant: globex, reservedAt: ${reservedAt}}`,
        '  - {ip: 203.0.113.202, tenant: globex}',
        '',
      ].join('\n'),
    ),
  );
  const repo = await makeRepo(texts);
  t.after(repo.remove);
  mkdirSync(join(repo.path, '.pytin', 'secrets', 'lab'), { recursive: true });
  await generateKey(join(repo.path, '.pytin', 'secrets', 'lab', 'id_ed25519'));

  const data = join(temp.path, 'data');
  mkdirSync(data);
  await writeEditedRecording(snmpFixturesDir(), 'cisco-c3750', data, COMMUNITY, arpRecords(VLAN100, '203.0.113.201', '52:54:00:99:99:01'));
  const agent = await startSnmpsim(data, [COMMUNITY], port);
  t.after(agent.stop);
  const pytin = async (...args: string[]) => {
    const io = captureIO(repo.path, { PYTIN_SECRET_SW_R01_COMMUNITY: COMMUNITY, PYTIN_SECRET_SW_R02_COMMUNITY: 'not-observed-here' });
    const code = await runCli(COMMANDS, args, io);
    return { code, out: io.out(), err: io.err() };
  };
  const observed = await pytin('observe', '--only', 'snmp', '--device', 'sw-r01');
  assert.equal(observed.code, 0, observed.out + observed.err);

  const plan = await pytin('plan', '--json');
  const messages = plan.out
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as DriftMessage);
  const drift = messages.filter((m) => m.type === 'drift' && m.address?.startsWith('ip/203.0.113.20'));
  assert.deepEqual(
    drift.map((d) => `${d.kind} ${d.address}`),
    ['reservation-not-activated ip/203.0.113.200'],
  );
  assert.equal(drift[0]!.evidence!.where, 'never seen on the network');
  assert.match(
    drift[0]!.message!,
    new RegExp(`^reserved in pool "lab1-public" on ${reservedAt} for globex but not seen in use for 20 days \\(threshold 15\\)`),
  );
});
