import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';

import { openStore } from '../../reconciler/store/open-store.js';
import { recordApplied } from '../support/applied-store.js';
import { labTexts, labWith } from '../support/lab-inventory.js';
import { apiFixture, C1, C2 } from './api-fixture.js';

/** acme's allocated addresses in each variant, read from the YAML texts themselves: its VMs', its
 * dedicated server's (ded-01, rented to acme) and its shaping limits'. */
function acmeAddresses(texts: ReadonlyMap<string, string>): string[] {
  const written = (file: string) =>
    [...texts.get(file)!.matchAll(/ips: \[([^\]]*)\]/g)].flatMap((m) => m[1]!.split(',').map((s) => s.trim().replace(/"/g, '')));
  assert.match(texts.get('servers/dedicated.yaml')!, /tenant: acme/);
  const found = [...written('vms/acme.yaml'), ...written('servers/dedicated.yaml')];
  const shaping = [...texts.get('servers/backup-01.yaml')!.matchAll(/ip: ([0-9.]+), tenant: acme/g)].map((m) => m[1]!);
  return [...found, ...shaping].sort();
}

test('1,000 requests over a real port while commits are applied: every answer is one revision, its header, body and data agreeing', async (t) => {
  const f = await apiFixture();
  t.after(() => f.close());
  await f.app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(f.app.server.address() as AddressInfo).port}`;

  // Two inventories that differ in acme's addresses; commits alternate between them.
  const variants = [labTexts(), labWith('vms/acme.yaml', 'ips: [203.0.113.11]', 'ips: [203.0.113.14]')];
  const expected = new Map<string, string[]>([
    [C1, acmeAddresses(variants[0]!)],
    [C2, acmeAddresses(labWith('vms/acme.yaml', 'ips: [203.0.113.11]', 'ips: [203.0.113.13]'))],
  ]);
  assert.notDeepEqual(acmeAddresses(variants[0]!), acmeAddresses(variants[1]!));

  // The writer: another connection applying commit after commit until the readers are done.
  const writer = await openStore(f.path);
  t.after(() => writer.close());
  let readersDone = false;
  let applied = 0;
  const writing = (async () => {
    for (let i = 0; !readersDone || applied < 3; i++) {
      const commit = (0x100 + i).toString(16).padStart(40, 'c');
      expected.set(commit, acmeAddresses(variants[i % 2]!));
      await recordApplied(writer, commit, variants[i % 2]!, 10_000_000 + i);
      applied++;
    }
  })();

  const seen = new Map<string, number>();
  let requests = 0;
  const reader = async () => {
    // At least 1,000 requests in all, and on until the writer has applied three commits.
    while (requests < 1000 || applied < 3) {
      requests++;
      const res = await fetch(`${base}/v1/ip-addresses?tenant=acme&status=allocated`, { headers: f.auth });
      assert.equal(res.status, 200);
      const body = (await res.json()) as { revision: string; items: Array<{ address: string }> };
      const header = res.headers.get('x-pytin-revision')!;
      assert.equal(body.revision, header);
      assert.ok(expected.has(header), `an answer names commit ${header}, which was applied`);
      assert.deepEqual(body.items.map((i) => i.address).sort(), expected.get(header), `the data of ${header}`);
      seen.set(header, (seen.get(header) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: 16 }, reader));
  readersDone = true;
  await writing;
  assert.ok(requests >= 1000);
  assert.ok(seen.size >= 2, `answers came from ${seen.size} revisions: the writes happened while the reads ran`);
});
