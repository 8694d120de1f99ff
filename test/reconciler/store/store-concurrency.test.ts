import assert from 'node:assert/strict';
import { test } from 'node:test';

import { readDeviceFacts, recordDeviceWalk } from '../../../reconciler/store/facts/device-store.js';
import { openStore } from '../../../reconciler/store/open-store.js';
import { sampleDeviceFacts } from './fixtures/sample-device-facts.js';
import { tempStore } from './fixtures/temp-store.js';

test('two connections writing at once wait for each other instead of failing with SQLITE_BUSY', async (t) => {
  const { store: first, path } = await tempStore(t);
  const second = await openStore(path);
  t.after(() => second.close());
  const walks = [];
  for (let g = 1; g <= 10; g++) {
    const store = g % 2 === 0 ? first : second;
    walks.push(recordDeviceWalk(store, { device: `sw${g % 3}`, startedAt: g, finishedAt: g, facts: sampleDeviceFacts(g, 300) }));
  }
  await Promise.all(walks);
  const runs = await first.get<{ n: number }>('SELECT count(*) AS n FROM observation_runs');
  assert.equal(runs?.n, 10);
  // A reader on the other connection sees whole walks only.
  for (const device of ['sw0', 'sw1', 'sw2']) {
    const stored = await readDeviceFacts(second, device);
    assert.ok(stored);
    assert.equal(new Set(stored.facts.interfaces.map((i) => i.ifAlias)).size, 1);
  }
});
