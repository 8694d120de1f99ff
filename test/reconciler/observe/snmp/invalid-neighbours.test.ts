import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { observeDevice } from '../../../../reconciler/observe/snmp/observe-device.js';
import { makeTempDir } from '../../../lab/daemon.js';
import { arpRecords, neighbourRecords, writeEditedRecording } from '../../../lab/edited-recording.js';
import { snmpFixturesDir } from '../../../lab/snmp-fixtures.js';
import { startSnmpsim } from '../../../lab/snmpsim.js';

// The recorded D-Link DES-3200 (it fills both ipNetToPhysicalTable and ipNetToMediaTable, on
// ifIndex 5121) with three neighbours added: one the agent marks type invalid(2), one state
// invalid(5) — also listed, as agents do, in the older ipNetToMediaTable — and a valid one.
const IF_INDEX = 5121;
const TYPE_INVALID = 2;
const TYPE_DYNAMIC = 3;
const STATE_REACHABLE = 1;
const STATE_INVALID = 5;

test('ipNetToPhysical rows of type invalid(2) or state invalid(5) are ignored, also where ipNetToMedia repeats them', async (t) => {
  const temp = await makeTempDir('invalid-neighbours');
  t.after(temp.remove);
  const data = join(temp.path, 'data');
  mkdirSync(data);
  await writeEditedRecording(snmpFixturesDir(), 'dlink-des3200', data, 'dlink-edited', [
    ...neighbourRecords(IF_INDEX, '10.2.0.30', '52:54:00:00:00:30', TYPE_INVALID, STATE_REACHABLE),
    ...neighbourRecords(IF_INDEX, '10.2.0.31', '52:54:00:00:00:31', TYPE_DYNAMIC, STATE_INVALID),
    ...arpRecords(IF_INDEX, '10.2.0.31', '52:54:00:00:00:31'),
    ...neighbourRecords(IF_INDEX, '10.2.0.32', '52:54:00:00:00:32', TYPE_DYNAMIC, STATE_REACHABLE),
  ]);
  const agent = await startSnmpsim(data, ['dlink-edited']);
  t.after(agent.stop);

  const facts = await observeDevice({ version: '2c', host: '127.0.0.1', port: agent.port, community: 'dlink-edited', timeoutMs: 10_000, retries: 2 });
  assert.equal(facts.completeness.arp, 'complete');
  const ips = new Set(facts.arp.map((a) => a.ip));
  assert.ok(ips.has('10.2.0.32'), 'the valid neighbour is kept');
  assert.ok(ips.has('10.2.0.20') && ips.has('10.2.0.22'), "the recording's own neighbours are kept");
  assert.ok(!ips.has('10.2.0.30'), 'type invalid(2) is ignored');
  assert.ok(!ips.has('10.2.0.31'), 'state invalid(5) is ignored, and its ipNetToMedia copy does not bring it back');
  assert.deepEqual(
    facts.diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
});
