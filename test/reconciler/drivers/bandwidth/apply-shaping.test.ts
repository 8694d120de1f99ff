import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, test } from 'node:test';
import { promisify } from 'node:util';

import { applyShaping } from '../../../../reconciler/drivers/bandwidth/apply-shaping.js';
import { compileShaping, shapingDevices, type ShapingSpec } from '../../../../reconciler/drivers/bandwidth/compile-shaping.js';
import { planShaping } from '../../../../reconciler/drivers/bandwidth/plan-shaping.js';
import { readShaping, type TcObserved } from '../../../../reconciler/drivers/bandwidth/read-shaping.js';
import { readTcFacts } from '../../../../reconciler/drivers/bandwidth/read-tc.js';
import type { TcDeviceTree } from '../../../../reconciler/drivers/bandwidth/tc-tree.js';
import { treeDifferences } from '../../../../reconciler/drivers/bandwidth/tc-tree.js';
import type { Change } from '../../../../reconciler/plan/change.js';
import { createTcLab, ifbSupport, type TcLab } from '../../../lab/tc-namespaces.js';
import { type WrappedTc, wrapTc } from '../../../lab/tc-wrapper.js';
import { errorOf, hostContext } from '../../../support/apply-context.js';

const run = promisify(execFile);
const labs: TcLab[] = [];
const wrappers: WrappedTc[] = [];
after(async () => {
  for (const lab of labs) await lab.remove();
  for (const wrapper of wrappers) await wrapper.remove();
});

async function newLab(): Promise<TcLab> {
  const lab = await createTcLab();
  labs.push(lab);
  return lab;
}

async function observe(lab: TcLab, shaping: ShapingSpec): Promise<TcObserved> {
  const facts = await readTcFacts(lab.hostRunner, shapingDevices(shaping));
  assert.equal(typeof facts, 'object', String(facts));
  return readShaping(facts as Exclude<typeof facts, string>);
}

/** Plans against the namespace and returns the one change (asserting there is one). */
async function planOne(lab: TcLab, shaping: ShapingSpec): Promise<Change> {
  const observed = await observe(lab, shaping);
  const plan = planShaping(compileShaping('shared-01', shaping, observed), observed);
  assert.equal(plan.changes.length, 1, JSON.stringify(plan.diagnostics));
  return plan.changes[0]!;
}

/** Trees with HTB's default burst (asked as null, read back as a number) blanked, to compare. */
function comparable(trees: readonly TcDeviceTree[], desired: readonly TcDeviceTree[]): TcDeviceTree[] {
  return trees.map((t) => {
    const want = desired.find((d) => d.device === t.device);
    return {
      ...t,
      classes: t.classes.map((c) => ({ ...c, burstBytes: want?.classes.find((w) => w.classid === c.classid)?.burstBytes === null ? null : c.burstBytes })),
    };
  });
}

async function tc(lab: TcLab, ...args: string[]): Promise<string> {
  return (await run('tc', ['-n', lab.host, ...args])).stdout;
}

const limit = (ip: string, inbound?: string, outbound?: string, burst?: string) => ({
  ip,
  bandwidth: { ...(inbound ? { inbound } : {}), ...(outbound ? { outbound } : {}), ...(burst ? { burst } : {}) },
});

test('this kernel can create ifb devices (upload shaping needs them)', async () => {
  const support = await ifbSupport();
  assert.deepEqual(support, { ok: true });
});

test('the tree applied in a namespace reads back as the desired one, IPv4 and IPv6, both directions; applying twice changes nothing', async () => {
  const lab = await newLab();
  const shaping: ShapingSpec = {
    interfaces: [lab.shaped],
    limits: [
      limit(lab.guestIp, '10Mbit', '5Mbit'),
      limit(lab.guestIp6, '20Mbit', '2Mbit', '64KiB'),
      limit('10.200.0.9', '1Gbit'),
      limit('2001:db8::9', undefined, '300kbit'),
    ],
  };
  const change = await planOne(lab, shaping);
  assert.equal(change.action, 'create');
  const first = await applyShaping(change, hostContext(lab.hostRunner));
  assert.equal(first.ok, true, errorOf(first));

  const observed = await observe(lab, shaping);
  const desired = compileShaping('shared-01', shaping, observed);
  const trees = observed.devices.map((d) => d.tree);
  assert.deepEqual(comparable(trees, desired.devices), desired.devices);
  for (const [i, t] of desired.devices.entries()) assert.deepEqual(treeDifferences(t, trees[i]!), []);
  // The burst asked for is what HTB keeps (within its rounding).
  const burst = trees[0]!.classes.find((c) => c.classid === desired.addresses.find((a) => a.ip === lab.guestIp6)!.classid)!.burstBytes!;
  assert.ok(Math.abs(burst - 65536) <= 1024, `burst ${burst}`);
  // A second plan is empty; a second apply of the same change runs nothing and leaves the same tree.
  assert.deepEqual(planShaping(desired, observed).changes, []);
  const second = await applyShaping(change, hostContext(lab.hostRunner));
  assert.deepEqual([second.ok, second.output], [true, 'tc: nothing to change']);
  assert.deepEqual(
    (await observe(lab, shaping)).devices.map((d) => d.tree),
    trees,
  );
  assert.deepEqual(second.state, first.state);
});

test('more than 256 addresses land in hashed u32 tables and read back exactly', async () => {
  const lab = await newLab();
  const limits = [
    ...Array.from({ length: 600 }, (_, i) => limit(`10.210.${Math.floor(i / 250)}.${1 + (i % 250)}`, `${1 + (i % 50)}Mbit`, `${1 + (i % 7)}Mbit`)),
    ...Array.from({ length: 300 }, (_, i) => limit(`2001:db8:1::${(i + 1).toString(16)}`, '3Mbit', '1Mbit')),
  ];
  const shaping: ShapingSpec = { interfaces: [lab.shaped], limits };
  const change = await planOne(lab, shaping);
  const outcome = await applyShaping(change, hostContext(lab.hostRunner));
  assert.equal(outcome.ok, true, errorOf(outcome));
  const observed = await observe(lab, shaping);
  const desired = compileShaping('shared-01', shaping, observed);
  assert.equal(observed.devices[0]!.tree.filters.length, 900);
  assert.deepEqual(
    comparable(
      observed.devices.map((d) => d.tree),
      desired.devices,
    ),
    desired.devices,
  );
  // The filters really sit in hash buckets: table 704: (IPv4) holds them in 250 buckets.
  const listing = await tc(lab, 'filter', 'show', 'dev', lab.shaped);
  const buckets = new Set([...listing.matchAll(/fh 704:([0-9a-f]+):[0-9a-f]+ /g)].map((m) => m[1]));
  assert.equal(buckets.size, 250);
  assert.deepEqual(planShaping(desired, observed).changes, []);
});

test('classes, filters and root qdiscs pytin did not create are left alone', async () => {
  const lab = await newLab();
  const shaping: ShapingSpec = { interfaces: [lab.shaped], limits: [limit(lab.guestIp, '10Mbit', '10Mbit')] };
  assert.equal((await applyShaping(await planOne(lab, shaping), hostContext(lab.hostRunner))).ok, true);
  // Someone adds a class of their own under pytin's qdisc, with a filter at their own preference.
  await tc(lab, 'class', 'add', 'dev', lab.shaped, 'parent', '7079:', 'classid', '7079:10', 'htb', 'rate', '3mbit');
  await tc(
    lab,
    'filter',
    'add',
    'dev',
    lab.shaped,
    'parent',
    '7079:',
    'protocol',
    'ip',
    'pref',
    '5',
    'u32',
    'match',
    'ip',
    'dst',
    '10.250.0.1/32',
    'flowid',
    '7079:10',
  );
  const foreignListing = async () => [
    (await tc(lab, 'class', 'show', 'dev', lab.shaped, 'classid', '7079:10')).trim(),
    (await tc(lab, 'filter', 'show', 'dev', lab.shaped, 'pref', '5')).trim(),
  ];
  const handMade = await foreignListing();
  assert.match(handMade[0]!, /7079:10 .*rate 3Mbit/);
  assert.match(handMade[1]!, /flowid 7079:10/);

  // Raised, then removed: pytin's classes change and go, the hand-made ones stay as they were.
  const raised: ShapingSpec = { interfaces: [lab.shaped], limits: [limit(lab.guestIp, '20Mbit', '20Mbit')] };
  assert.equal((await applyShaping(await planOne(lab, raised), hostContext(lab.hostRunner))).ok, true);
  assert.deepEqual(await foreignListing(), handMade);
  const removed: ShapingSpec = { interfaces: [lab.shaped], limits: [] };
  const removal = await planOne(lab, removed);
  assert.equal(removal.action, 'delete');
  const outcome = await applyShaping(removal, hostContext(lab.hostRunner));
  assert.equal(outcome.ok, true, errorOf(outcome));
  assert.deepEqual(await foreignListing(), handMade);
  const observed = await observe(lab, removed);
  assert.deepEqual(observed.devices[0]!.tree, { device: lab.shaped, classes: [], filters: [], redirectTo: null });
  assert.equal(observed.devices[0]!.foreignClasses, 1);
});

test('a root qdisc pytin did not create is neither planned over nor replaced by apply', async () => {
  const lab = await newLab();
  await tc(lab, 'qdisc', 'add', 'dev', lab.shaped, 'root', 'handle', '1:', 'htb', 'default', '30');
  const shaping: ShapingSpec = { interfaces: [lab.shaped], limits: [limit(lab.guestIp, '10Mbit', '10Mbit')] };
  const observed = await observe(lab, shaping);
  const plan = planShaping(compileShaping('shared-01', shaping, observed), observed);
  assert.deepEqual([plan.changes.length, plan.diagnostics.map((d) => d.code)], [0, ['PLAN_TC_FOREIGN_ROOT_QDISC']]);
  // A change planned earlier (or by hand) is refused at apply time too.
  const change: Change = {
    address: 'shaping/shared-01',
    action: 'create',
    driver: 'tc',
    host: 'shared-01',
    before: null,
    after: { interfaces: [lab.shaped], [lab.guestIp]: { classid: '7079:1234', inbound: '10Mbit', outbound: null, burst: null } },
  };
  const outcome = await applyShaping(change, hostContext(lab.hostRunner));
  assert.equal(outcome.ok, false);
  assert.match(errorOf(outcome)!, /^APPLY_TC_FOREIGN_ROOT_QDISC/);
  assert.match(await tc(lab, 'qdisc', 'show', 'dev', lab.shaped, 'root'), /qdisc htb 1: root/);
});

test('a missing interface is refused before anything is changed', async () => {
  const lab = await newLab();
  const change: Change = {
    address: 'shaping/shared-01',
    action: 'create',
    driver: 'tc',
    host: 'shared-01',
    before: null,
    after: { interfaces: ['nosuch0'], [lab.guestIp]: { classid: '7079:1234', inbound: '10Mbit', outbound: '1Mbit', burst: null } },
  };
  const outcome = await applyShaping(change, hostContext(lab.hostRunner));
  assert.equal(outcome.ok, false);
  assert.match(errorOf(outcome)!, /^APPLY_TC_DEVICE_MISSING: interface "nosuch0" does not exist/);
  assert.deepEqual(outcome.state, { interfaces: ['nosuch0'] });
  assert.doesNotMatch((await run('ip', ['-n', lab.host, 'link'])).stdout, /ifb-nosuch0/);
});

test('a batch that fails partway leaves the previous tree (restored), and says so', async () => {
  const lab = await newLab();
  const shaping: ShapingSpec = { interfaces: [lab.shaped], limits: [limit(lab.guestIp, '10Mbit', '10Mbit'), limit(lab.guestIp6, '7Mbit')] };
  assert.equal((await applyShaping(await planOne(lab, shaping), hostContext(lab.hostRunner))).ok, true);
  const previous = (await observe(lab, shaping)).devices.map((d) => d.tree);

  const changed: ShapingSpec = { interfaces: [lab.shaped], limits: [limit(lab.guestIp, '20Mbit'), limit('10.250.0.7', '1Mbit', '1Mbit')] };
  // The real tc, made to refuse one more line at the end of pytin's batch (test/lab/tc-wrapper.ts).
  const tcWrapper = await wrapTc(lab.host);
  wrappers.push(tcWrapper);
  await tcWrapper.breakBatch();
  const outcome = await applyShaping(await planOne(lab, changed), hostContext(tcWrapper.runner));
  assert.match(outcome.output, /staged on the host with its restore: restored/);
  // The restore staged on the host brought the tree back by itself: pytin had nothing left to do.
  assert.doesNotMatch(outcome.output, /^restore: /m);
  assert.equal(outcome.ok, false);
  assert.match(errorOf(outcome)!, /^APPLY_TC_BATCH_FAILED: the batch failed and the previous tree was restored/);
  const restored = (await observe(lab, shaping)).devices.map((d) => d.tree);
  // Restored classes carry their old burst explicitly; HTB's tick rounding may move it a byte or two.
  assert.deepEqual(
    comparable(
      restored,
      previous.map((t) => ({ ...t, classes: t.classes.map((c) => ({ ...c, burstBytes: null })) })),
    ),
    previous.map((t) => ({ ...t, classes: t.classes.map((c) => ({ ...c, burstBytes: null })) })),
  );
  for (const [i, t] of previous.entries()) assert.deepEqual(treeDifferences(t, restored[i]!), []);
  // The next plan still shows the whole change, and applying it with a sound runner converges.
  const again = await planOne(lab, changed);
  assert.equal((await applyShaping(again, hostContext(lab.hostRunner))).ok, true);
  const observed = await observe(lab, changed);
  assert.deepEqual(planShaping(compileShaping('shared-01', changed, observed), observed).changes, []);
});
