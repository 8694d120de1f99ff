import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';

import { openStore } from '../../../../reconciler/store/open-store.js';
import { forgetZabbixOwned, recordZabbixOwned, zabbixOwned } from '../../../../reconciler/store/zabbix/zabbix-owned.js';
import { makeTempDir } from '../../../lab/daemon.js';

// The ledger of what pytin created in a Zabbix, on a real store file.

test('the ledger records more objects than one INSERT holds, re-records some under new ids, and forgets others', async (t) => {
  const dir = await makeTempDir('zabbix-owned');
  t.after(dir.remove);
  const store = await openStore(join(dir.path, 'store.sqlite'));
  t.after(() => store.close());
  const uuid = (i: number) => `uuid-${String(i).padStart(4, '0')}`;
  const objects = Array.from({ length: 400 }, (_, i) => ({ uuid: uuid(i), key: `rack/r${i}`, zabbixId: String(1000 + i) }));
  await recordZabbixOwned(store, 'lab', 'dashboard', objects);
  // Recreated dashboards come back under new ids: the same uuid, re-recorded.
  await recordZabbixOwned(store, 'lab', 'dashboard', [
    { uuid: uuid(7), key: 'rack/r7', zabbixId: '9007' },
    { uuid: uuid(399), key: 'rack/r399', zabbixId: '9399' },
  ]);
  await forgetZabbixOwned(store, 'lab', 'dashboard', [uuid(0)]);
  const expected = objects.slice(1).map((o) => (o.uuid === uuid(7) ? { ...o, zabbixId: '9007' } : o.uuid === uuid(399) ? { ...o, zabbixId: '9399' } : o));
  assert.deepEqual(await zabbixOwned(store, 'lab', 'dashboard'), expected);
  assert.deepEqual(await zabbixOwned(store, 'other', 'dashboard'), [], "another Zabbix's ledger is its own");
});
