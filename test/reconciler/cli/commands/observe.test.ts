import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { COMMANDS } from '../../../../reconciler/cli/commands.js';
import { runCli } from '../../../../reconciler/cli/run-cli.js';
import type { TcFacts } from '../../../../reconciler/drivers/bandwidth/tc-facts.js';
import { readDeviceFacts } from '../../../../reconciler/store/facts/device-store.js';
import { readHostFacts } from '../../../../reconciler/store/facts/host-store.js';
import { openStore } from '../../../../reconciler/store/open-store.js';
import { type LabEnvironment, startLabEnvironment } from '../../../lab/lab-environment.js';
import { captureIO } from '../../../support/capture-io.js';

let lab: LabEnvironment;
before(async () => {
  lab = await startLabEnvironment();
});
after(async () => {
  await lab?.stop();
});

async function observe(...args: string[]) {
  const io = captureIO(lab.repoDir, lab.env);
  const code = await runCli(COMMANDS, ['observe', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

test('an unknown host key is refused with the way to trust it; the switches are still observed', async () => {
  const run = await observe();
  assert.equal(run.code, 1);
  assert.match(run.out, /^ok {3}switch\/sw-r01 +19 interfaces, 9 ARP, 15 forwarding/m);
  assert.match(run.out, /^ok {3}switch\/sw-r02 +23 interfaces, 5 ARP, 285 forwarding/m);
  assert.match(run.out, /^FAIL server\/hv-01/m);
  assert.match(run.out, /OBS_HOST_KEY_UNKNOWN[\s\S]*--trust-new-hosts/);
});

test('observe stores every switch and host; a second run with pinned keys succeeds', async () => {
  const first = await observe('--trust-new-hosts', '--json');
  assert.equal(first.code, 0, first.out + first.err);
  const lines = first.out
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; address?: string; ok?: boolean });
  assert.deepEqual(
    lines
      .filter((l) => l.type === 'observation')
      .map((l) => l.address)
      .sort(),
    ['server/backup-01', 'server/hv-01', 'server/hv-02', 'switch/sw-r01', 'switch/sw-r02'],
  );
  const second = await observe('--parallelism', '1');
  assert.equal(second.code, 0, second.out);
  assert.match(second.out, /Observed: 2 switches and 3 hosts of the repository root at HEAD/);
  const store = await openStore(join(lab.repoDir, '.pytin', 'store.sqlite'));
  try {
    const sw = await readDeviceFacts(store, 'sw-r02');
    assert.equal(sw?.facts.fdb.length, 285);
    const backup = await readHostFacts(store, 'backup-01');
    // The ifb pytin shapes uploads through is listed (empty) before the first apply creates it.
    assert.deepEqual(
      (backup.facts.get('tc')?.value as TcFacts).interfaces.map((i) => i.device),
      ['veth-guests', 'ifb-veth-guests'],
    );
    const hv = await readHostFacts(store, 'hv-01');
    assert.ok(Array.isArray(hv.facts.get('domains')?.value));
  } finally {
    await store.close();
  }
});

test('one host down: a diagnostic naming it, the others observed, exit 1', async () => {
  await lab.sshd['hv-02'].stop();
  const run = await observe('--json');
  assert.equal(run.code, 1);
  const lines = run.out
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; address?: string; ok?: boolean; failed?: string[] });
  assert.deepEqual(lines.at(-1)?.failed, ['server/hv-02']);
  assert.equal(lines.filter((l) => l.type === 'observation' && l.ok).length, 4);
});

test('--device limits the run; an unknown name is a usage error', async () => {
  const one = await observe('--device', 'sw-r01', '--json');
  assert.equal(one.code, 0, one.out);
  assert.equal(one.out.trimEnd().split('\n').length, 2);
  const unknown = await observe('--device', 'sw-r99');
  assert.equal(unknown.code, 1);
  assert.match(unknown.err, /--device sw-r99: no such switch or server/);
});
