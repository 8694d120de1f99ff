import assert from 'node:assert/strict';
import { test } from 'node:test';

import { COMMANDS } from '../../../reconciler/cli/commands.js';
import { runCli } from '../../../reconciler/cli/run-cli.js';
import { captureIO } from '../../support/capture-io.js';
import { git, makeRepo } from '../../support/git-repo.js';
import { labWith } from '../../support/lab-inventory.js';

// `pytin allocate` refusals an operator meets, through the CLI on the lab inventory in a real git
// repository: each names its code, exits 1, and leaves every file as it was.

async function allocate(repoDir: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIO(repoDir);
  const code = await runCli(COMMANDS, ['allocate', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

test('allocate --to a holder with several interfaces is INV_ALLOC_AMBIGUOUS_INTERFACE; naming the interface works', async (t) => {
  const texts = labWith(
    'vms/acme.yaml',
    /(name: acme-web-02[\s\S]*?bandwidth: \{inbound: 100Mbit, outbound: 100Mbit\}\n)/,
    '$1  - name: eth1\n    mac: 52:54:00:a0:00:42\n',
  );
  const repo = await makeRepo(texts);
  t.after(repo.remove);
  const refused = await allocate(repo.path, '--pool', 'lab1-public', '--to', 'vm/acme-web-02');
  assert.equal(refused.code, 1, refused.out + refused.err);
  assert.match(refused.err, /INV_ALLOC_AMBIGUOUS_INTERFACE: vm\/acme-web-02 has 2 interfaces \(eth0, eth1\); name one: --to vm\/acme-web-02\/INTERFACE/);
  assert.equal(git(repo.path, 'status', '--porcelain'), '', 'no file was touched');

  const named = await allocate(repo.path, '--pool', 'lab1-public', '--to', 'vm/acme-web-02/eth1');
  assert.equal(named.code, 0, named.err);
  assert.match(named.out, /to vm\/acme-web-02\/eth1/);
  assert.match(git(repo.path, 'diff', '--no-color'), /\+ {4}ips: \[203\.0\.113\.13\]/);
});

test('allocate on an inventory with errors is INV_ALLOC_INVALID_INVENTORY with those errors, and writes nothing', async (t) => {
  // acme-web-02 claims the address acme-web-01 holds.
  const texts = labWith('vms/acme.yaml', 'ips: [203.0.113.11]', 'ips: [203.0.113.10]');
  const repo = await makeRepo(texts);
  t.after(repo.remove);
  const refused = await allocate(repo.path, '--pool', 'lab1-public', '--to', 'vm/acme-db-01');
  assert.equal(refused.code, 1, refused.out + refused.err);
  assert.match(refused.err, /INV_ALLOC_INVALID_INVENTORY: the inventory has errors; fix them before allocating/);
  assert.match(refused.err, /vms\/acme\.yaml:\d+:\d+: error INV_RULE_\w+: .*203\.0\.113\.10/);
  assert.doesNotMatch(refused.out, /Allocated/);
  assert.equal(git(repo.path, 'status', '--porcelain'), '', 'no file was touched');
});
