import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { readInventory } from '../../../inventory/source/read-inventory.js';
import { validateInventory } from '../../../inventory/validate/validate-inventory.js';
import { COMMANDS } from '../../../reconciler/cli/commands.js';
import { runCli } from '../../../reconciler/cli/run-cli.js';
import { captureIO } from '../../support/capture-io.js';
import { git, makeRepo } from '../../support/git-repo.js';
import { labTexts, labWith } from '../../support/lab-inventory.js';

async function labRepo(texts = labTexts()) {
  return makeRepo(texts);
}

test('allocate writes the lowest free addresses into the holder, keeping comments and layout', async (t) => {
  const repo = await labRepo();
  t.after(repo.remove);
  const io = captureIO(repo.path);
  assert.equal(await runCli(COMMANDS, ['allocate', '--pool', 'lab1-public', '--count', '2', '--to', 'vm/acme-db-01'], io), 0, io.err());
  // .10-.12 and .20-.22 are held, .2-.9 reserved, .1 the gateway: the lowest free are .13 and .14.
  assert.match(io.out(), /Allocated 203\.0\.113\.13, 203\.0\.113\.14 from pool "lab1-public" to vm\/acme-db-01\/eth0/);
  const diff = git(repo.path, 'diff', '-U0', '--no-color');
  const changed = diff.split('\n').filter((l) => /^[-+][^-+]/.test(l));
  assert.deepEqual(changed, ['-    ips: [203.0.113.12]', '+    ips: [203.0.113.12, 203.0.113.13, 203.0.113.14]']);
  const after = validateInventory(await readInventory({ repo: repo.path, worktree: true }));
  assert.deepEqual(after.diagnostics, []);
  assert.equal(after.state.ipHoldings.get('203.0.113.14')?.holder, 'vm/acme-db-01/eth0');
  assert.match(readFileSync(join(repo.path, 'vms/acme.yaml'), 'utf8'), /protected: true {4}# holds the customer's database/);
});

test('allocate extends a block list and adds a missing ips key', async (t) => {
  const texts = labWith('vms/globex.yaml', '    ips: [203.0.113.21]\n', '    ips:\n      - 203.0.113.21   # the app\n');
  texts.set('vms/acme.yaml', texts.get('vms/acme.yaml')!.replace('    ips: [203.0.113.12]\n', ''));
  const repo = await labRepo(texts);
  t.after(repo.remove);
  const first = captureIO(repo.path);
  assert.equal(await runCli(COMMANDS, ['allocate', '--pool', 'lab1-public-v6', '--to', 'vm/globex-app-02/eth0'], first), 0, first.err());
  const second = captureIO(repo.path);
  assert.equal(await runCli(COMMANDS, ['allocate', '--pool', 'lab1-public', '--to', 'vm/acme-db-01'], second), 0, second.err());
  const globex = readFileSync(join(repo.path, 'vms/globex.yaml'), 'utf8');
  assert.match(globex, /      - 203\.0\.113\.21 {3}# the app\n      - "2001:db8:10::2"\n/);
  const acme = readFileSync(join(repo.path, 'vms/acme.yaml'), 'utf8');
  assert.match(acme, /    mac: 52:54:00:a0:00:03\n    bandwidth: {inbound: 1Gbit, outbound: 200Mbit}\n    ips: \[203\.0\.113\.12\]\n/);
  assert.deepEqual(validateInventory(await readInventory({ repo: repo.path, worktree: true })).diagnostics, []);
});

test('a pool without enough free addresses is refused and no file is touched', async (t) => {
  const repo = await labRepo();
  t.after(repo.remove);
  const io = captureIO(repo.path);
  // lab1-mgmt is a /26: 62 hosts minus the gateway, the 3 servers' addresses and the management
  // addresses the two switches and the PDU hold (never handed out).
  assert.equal(await runCli(COMMANDS, ['allocate', '--pool', 'lab1-mgmt', '--count', '56', '--to', 'server/hv-01'], io), 1);
  assert.match(io.err(), /INV_ALLOC_POOL_EXHAUSTED: pool "lab1-mgmt" has 55 free addresses, 56 asked for/);
  assert.equal(git(repo.path, 'status', '--porcelain'), '');
  const ok = captureIO(repo.path);
  assert.equal(await runCli(COMMANDS, ['allocate', '--pool', 'lab1-mgmt', '--count', '55', '--to', 'server/hv-01', '--json'], ok), 0, ok.err());
  const handedOut = (JSON.parse(ok.out()) as { addresses: string[] }).addresses;
  assert.equal(handedOut.length, 55);
  for (const held of ['198.51.100.2', '198.51.100.3', '198.51.100.4']) assert.ok(!handedOut.includes(held), `${held} is a device's own address`);
});

test('allocation errors: unknown holder, ambiguous interface, wrong datacenter, invalid inventory', async (t) => {
  const texts = labTexts();
  texts.set('more.yaml', 'kind: Datacenter\nname: far\n---\nkind: IPPool\nname: far-pool\ndatacenter: far\ncidr: 192.0.2.0/24\n');
  const repo = await labRepo(texts);
  t.after(repo.remove);
  const run = async (...args: string[]) => {
    const io = captureIO(repo.path);
    const code = await runCli(COMMANDS, ['allocate', ...args], io);
    return { code, err: io.err() };
  };
  assert.match((await run('--pool', 'lab1-public', '--to', 'vm/nope')).err, /INV_ALLOC_UNKNOWN_HOLDER: vm\/nope does not exist/);
  assert.match((await run('--pool', 'lab1-public', '--to', 'vm/acme-web-01/eth9')).err, /has no interface "eth9" \(it has: eth0\)/);
  assert.match((await run('--pool', 'nope', '--to', 'vm/acme-web-01')).err, /INV_ALLOC_UNKNOWN_POOL/);
  assert.match((await run('--pool', 'far-pool', '--to', 'vm/acme-web-01')).err, /INV_ALLOC_WRONG_DATACENTER/);
  assert.match((await run('--to', 'vm/acme-web-01')).err, /--pool is required/);
  assert.equal(git(repo.path, 'status', '--porcelain'), '');
});

test('two branches that allocate the same address are caught by validate after the merge', async (t) => {
  const repo = await labRepo();
  t.after(repo.remove);
  git(repo.path, 'checkout', '-qb', 'one');
  assert.equal(await runCli(COMMANDS, ['allocate', '--pool', 'lab1-public', '--to', 'vm/acme-web-02'], captureIO(repo.path)), 0);
  git(repo.path, 'commit', '-qam', 'one');
  git(repo.path, 'checkout', '-q', 'main');
  git(repo.path, 'checkout', '-qb', 'two');
  assert.equal(await runCli(COMMANDS, ['allocate', '--pool', 'lab1-public', '--to', 'vm/globex-app-01'], captureIO(repo.path)), 0);
  git(repo.path, 'commit', '-qam', 'two');
  git(repo.path, 'merge', '-q', '--no-edit', 'one');
  const io = captureIO(repo.path);
  assert.equal(await runCli(COMMANDS, ['validate'], io), 1);
  assert.match(io.out(), /error INV_RULE_IP_DUPLICATE: 203\.0\.113\.13 is already held by vm\/acme-web-02\/eth0/);
});

test('an address the network shows in use (observed facts in the store) is never handed out', async (t) => {
  const repo = await labRepo();
  t.after(repo.remove);
  const { openStore } = await import('../../../reconciler/store/open-store.js');
  const { recordIpSightings } = await import('../../../reconciler/store/facts/ip-history.js');
  const store = await openStore(join(repo.path, '.pytin', 'store.sqlite'));
  const now = Date.now();
  await store.transaction((tx) =>
    recordIpSightings(tx, 'sw-r01', [{ ip: '203.0.113.13', mac: '52:54:00:99:00:13', device: 'sw-r01', port: 'Gi1/0/3', vlan: 100 }], now),
  );
  // Seen 40 days ago: older than the 31-day window, so free again.
  await store.transaction((tx) =>
    recordIpSightings(tx, 'sw-r01', [{ ip: '203.0.113.14', mac: '52:54:00:99:00:14', device: 'sw-r01', port: 'Gi1/0/4', vlan: 100 }], now - 40 * 86_400_000),
  );
  await store.close();
  const io = captureIO(repo.path);
  assert.equal(await runCli(COMMANDS, ['allocate', '--pool', 'lab1-public', '--count', '2', '--to', 'vm/acme-web-02'], io), 0, io.err());
  assert.match(io.out(), /Allocated 203\.0\.113\.14, 203\.0\.113\.15 /);
});
