import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, test } from 'node:test';
import { promisify } from 'node:util';

import type { JsonValue } from '../../../../inventory/core/json-value.js';
import { applyShaping } from '../../../../reconciler/drivers/bandwidth/apply-shaping.js';
import { compileShaping, shapingDevices, type ShapingSpec } from '../../../../reconciler/drivers/bandwidth/compile-shaping.js';
import { planShaping } from '../../../../reconciler/drivers/bandwidth/plan-shaping.js';
import { readShaping, type TcObserved } from '../../../../reconciler/drivers/bandwidth/read-shaping.js';
import { readTcFacts } from '../../../../reconciler/drivers/bandwidth/read-tc.js';
import type { Change } from '../../../../reconciler/plan/change.js';
import { createTcLab, type TcLab } from '../../../lab/tc-namespaces.js';
import { errorOf, hostContext } from '../../../support/apply-context.js';

// What pytin leaves on a host when git stops shaping an interface, or stops limiting uploads:
// real tc and ip in a network namespace, asserted on `tc -j ... show` and `ip -j link`, not on
// pytin's own reading of them.

const run = promisify(execFile);
const labs: TcLab[] = [];
after(async () => {
  for (const lab of labs) await lab.remove();
});

async function newLab(): Promise<TcLab> {
  const lab = await createTcLab();
  labs.push(lab);
  // A second shaped interface on the host (a veth whose peer stays in the host namespace).
  await run('ip', ['-n', lab.host, 'link', 'add', 'shaped1', 'type', 'veth', 'peer', 'name', 'peer1']);
  await run('ip', ['-n', lab.host, 'link', 'set', 'shaped1', 'up']);
  return lab;
}

const limit = (ip: string, inbound?: string, outbound?: string) => ({
  ip,
  bandwidth: { ...(inbound ? { inbound } : {}), ...(outbound ? { outbound } : {}) },
});

async function observe(lab: TcLab, shaping: ShapingSpec | undefined): Promise<TcObserved> {
  const facts = await readTcFacts(lab.hostRunner, shapingDevices(shaping));
  assert.equal(typeof facts, 'object', String(facts));
  return readShaping(facts as Exclude<typeof facts, string>);
}

/** Plans like the driver does: against the namespace as the probe would read it (only the
 * devices git names now) and the state the last apply recorded. */
async function planFor(lab: TcLab, shaping: ShapingSpec | undefined, lastApplied: JsonValue | null): Promise<Change[]> {
  const observed = await observe(lab, shaping);
  const plan = planShaping(compileShaping('shared-01', shaping, observed), observed, { lastApplied });
  assert.deepEqual(
    plan.diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  return plan.changes;
}

/** Applies the one planned change and returns the state the store would keep as last applied. */
async function applyOne(lab: TcLab, changes: Change[]): Promise<JsonValue> {
  assert.equal(changes.length, 1);
  const outcome = await applyShaping(changes[0]!, hostContext(lab.hostRunner));
  assert.equal(outcome.ok, true, `${errorOf(outcome)}\n${outcome.output}`);
  assert.deepEqual(outcome.diagnostics, []);
  return outcome.state!;
}

type Qdisc = { kind: string; handle: string; root?: boolean };

async function qdiscs(lab: TcLab, dev: string): Promise<Qdisc[]> {
  return JSON.parse((await run('tc', ['-n', lab.host, '-j', 'qdisc', 'show', 'dev', dev])).stdout) as Qdisc[];
}

/** What pytin would have left on a device: its root HTB, any class, an ingress qdisc. */
async function pytinObjectsOn(lab: TcLab, dev: string): Promise<string[]> {
  const found = (await qdiscs(lab, dev)).filter((q) => q.handle === '7079:' || q.kind === 'ingress').map((q) => `qdisc ${q.kind} ${q.handle}`);
  // `tc -j class show` prints text for HTB classes on this iproute2: `class htb 7079:1a2b root ...`.
  const classes = (await run('tc', ['-n', lab.host, 'class', 'show', 'dev', dev])).stdout.split('\n').filter((l) => l.startsWith('class '));
  return [...found, ...classes.map((c) => `class ${c.split(' ')[2]}`)];
}

async function links(lab: TcLab): Promise<string[]> {
  const listed = JSON.parse((await run('ip', ['-n', lab.host, '-j', 'link', 'show'])).stdout) as Array<{ ifname: string }>;
  return listed.map((l) => l.ifname).sort();
}

test('an interface removed from shaping loses pytin tc objects and its ifb; the other interface keeps its own', async () => {
  const lab = await newLab();
  const both: ShapingSpec = { interfaces: [lab.shaped, 'shaped1'], limits: [limit(lab.guestIp, '10Mbit', '5Mbit')] };
  let last = await applyOne(lab, await planFor(lab, both, null));
  assert.ok((await links(lab)).includes('ifb-shaped1'));
  assert.notDeepEqual(await pytinObjectsOn(lab, 'shaped1'), []);

  const one: ShapingSpec = { interfaces: [lab.shaped], limits: both.limits! };
  const changes = await planFor(lab, one, last);
  assert.deepEqual(
    changes.map((c) => `${c.action} ${c.address} [${c.fields?.join(',')}]`),
    ['update shaping/shared-01 [interfaces]'],
  );
  assert.match(changes[0]!.reason ?? '', /shaped1: no longer shaped in git; pytin's tc objects on shaped1 and ifb-shaped1 are removed/);
  last = await applyOne(lab, changes);

  assert.deepEqual(await pytinObjectsOn(lab, 'shaped1'), []);
  assert.ok(!(await links(lab)).includes('ifb-shaped1'), 'the ifb of the retired interface is deleted');
  // shaped0 still shapes both ways: its HTB root, its class, its ingress redirect, its ifb.
  assert.deepEqual(
    (await pytinObjectsOn(lab, lab.shaped)).sort(),
    ['class 7079:' + classMinor(last, lab.guestIp), 'qdisc htb 7079:', 'qdisc ingress ffff:'].sort(),
  );
  assert.ok((await links(lab)).includes('ifb-shaped0'));
  assert.deepEqual(last, {
    interfaces: [lab.shaped],
    [lab.guestIp]: { classid: `7079:${classMinor(last, lab.guestIp)}`, inbound: '10Mbit', outbound: '5Mbit', burst: burstOf(last, lab.guestIp) },
  });
  assert.deepEqual(await planFor(lab, one, last), [], 'nothing left to do');

  // The whole shaping section gone: the last interface is cleared too, and nothing is planned after.
  const removed = await planFor(lab, undefined, last);
  assert.deepEqual(
    removed.map((c) => `${c.action} ${c.address}`),
    ['delete shaping/shared-01'],
  );
  last = await applyOne(lab, removed);
  assert.deepEqual(last, { interfaces: [] });
  assert.deepEqual(await pytinObjectsOn(lab, lab.shaped), []);
  assert.deepEqual(
    (await links(lab)).filter((l) => l.startsWith('ifb')),
    [],
  );
  assert.deepEqual(await planFor(lab, undefined, last), []);
});

test('an ifb is deleted once no upload limit uses it, while download shaping stays', async () => {
  const lab = await newLab();
  const upAndDown: ShapingSpec = { interfaces: [lab.shaped], limits: [limit(lab.guestIp, '10Mbit', '5Mbit')] };
  let last = await applyOne(lab, await planFor(lab, upAndDown, null));
  assert.ok((await links(lab)).includes('ifb-shaped0'));

  const downOnly: ShapingSpec = { interfaces: [lab.shaped], limits: [limit(lab.guestIp, '10Mbit')] };
  last = await applyOne(lab, await planFor(lab, downOnly, last));
  assert.ok(!(await links(lab)).includes('ifb-shaped0'));
  assert.deepEqual(
    (await qdiscs(lab, lab.shaped)).map((q) => `${q.kind} ${q.handle}`),
    ['htb 7079:'],
  );
  assert.deepEqual(await planFor(lab, downOnly, last), []);
});

test("an ifb with someone else's qdisc on it is not deleted", async () => {
  const lab = await newLab();
  const upAndDown: ShapingSpec = { interfaces: [lab.shaped], limits: [limit(lab.guestIp, '10Mbit', '5Mbit')] };
  const last = await applyOne(lab, await planFor(lab, upAndDown, null));
  const downOnly: ShapingSpec = { interfaces: [lab.shaped], limits: [limit(lab.guestIp, '10Mbit')] };
  const changes = await planFor(lab, downOnly, last);
  // Someone puts an ingress qdisc of their own on the ifb between plan and apply.
  await run('tc', ['-n', lab.host, 'qdisc', 'add', 'dev', 'ifb-shaped0', 'ingress']);
  await applyOne(lab, changes);
  assert.ok((await links(lab)).includes('ifb-shaped0'));
  assert.deepEqual((await qdiscs(lab, 'ifb-shaped0')).filter((q) => q.kind === 'ingress').length, 1);
});

function entryOf(state: JsonValue, ip: string): { classid: string; burst: number | null } {
  return (state as Record<string, { classid: string; burst: number | null }>)[ip]!;
}
function classMinor(state: JsonValue, ip: string): string {
  return entryOf(state, ip).classid.split(':')[1]!;
}
function burstOf(state: JsonValue, ip: string): number | null {
  return entryOf(state, ip).burst;
}
