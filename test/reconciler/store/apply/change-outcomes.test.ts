import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';

import { type ChangeOutcomeRecord, changeOutcomes, recordChangeOutcomes, startApplyRun } from '../../../../reconciler/store/apply/apply-runs.js';
import { openStore } from '../../../../reconciler/store/open-store.js';
import { makeTempDir } from '../../../lab/daemon.js';

// A driver's batch of outcomes goes to a real store file in one transaction, many rows an INSERT.

const outcome = (seq: number): ChangeOutcomeRecord => ({
  seq,
  address: `zabbix-host/h-${seq}`,
  action: 'create',
  driver: 'zabbix',
  host: 'service:lab',
  status: seq % 7 === 3 ? 'failed' : 'applied',
  output: `host.create zabbix-host/h-${seq}`,
  error: seq % 7 === 3 ? 'APPLY_ZABBIX_REFUSED: no' : null,
  diagnosticsJson: null,
  stateJson: JSON.stringify({ host: `h-${seq}` }),
  finishedAt: 1000 + seq,
});

async function storeWithRun(t: { after(fn: () => unknown): void }) {
  const dir = await makeTempDir('change-outcomes');
  t.after(dir.remove);
  const store = await openStore(join(dir.path, 'store.sqlite'));
  t.after(() => store.close());
  const runId = await startApplyRun(store, { commit: null, planHash: 'h', holder: 'test', startedAt: 0 });
  return { store, runId };
}

test('a batch of outcomes larger than one INSERT is recorded whole, each field as given', async (t) => {
  const { store, runId } = await storeWithRun(t);
  const batch = Array.from({ length: 653 }, (_, i) => outcome(i));
  await recordChangeOutcomes(store, runId, batch);
  assert.deepEqual(await changeOutcomes(store, runId), batch);
});

test('a batch that fails part way records none of it (one transaction)', async (t) => {
  const { store, runId } = await storeWithRun(t);
  // Row 200 repeats seq 5 (the key is run and seq): the third INSERT of the batch fails.
  const batch = Array.from({ length: 300 }, (_, i) => outcome(i === 200 ? 5 : i));
  await assert.rejects(recordChangeOutcomes(store, runId, batch), /UNIQUE|constraint/i);
  assert.deepEqual(await changeOutcomes(store, runId), []);
});
