import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { bandwidthDriver } from '../../../../reconciler/drivers/bandwidth/bandwidth-driver.js';
import { compileShaping, shapingDevices, type ShapingSpec } from '../../../../reconciler/drivers/bandwidth/compile-shaping.js';
import { readShaping } from '../../../../reconciler/drivers/bandwidth/read-shaping.js';
import { readTcFacts } from '../../../../reconciler/drivers/bandwidth/read-tc.js';
import { iperfBitsPerSecond } from '../../../lab/iperf.js';
import { createTcLab, type TcLab } from '../../../lab/tc-namespaces.js';

let lab: TcLab | undefined;
after(async () => {
  await lab?.remove();
});

/** Plans and applies through the driver object, as pytin apply would, and returns the one change's
 * action (or 'none'). */
async function converge(shaping: ShapingSpec): Promise<string> {
  const facts = await readTcFacts(lab!.hostRunner, shapingDevices(shaping));
  if (typeof facts === 'string') throw new Error(facts);
  const observed = readShaping(facts);
  const plan = bandwidthDriver.plan({ hosts: [{ desired: compileShaping('shared-01', shaping, observed), observed }] });
  assert.deepEqual(plan.diagnostics, []);
  if (plan.changes.length === 0) return 'none';
  const outcome = await bandwidthDriver.apply(plan.changes[0]!, { runner: lab!.hostRunner, commit: null });
  assert.equal(outcome.ok, true, outcome.error);
  return plan.changes[0]!.action;
}

/** Download: the host sends to the guest (shaped on the guest-facing interface's egress by
 * destination). Upload: the guest sends to the host (redirected at ingress to the ifb, shaped there
 * by source). */
async function measure(): Promise<{ download: number; upload: number }> {
  const common = { serverNs: lab!.guest, clientNs: lab!.host, serverIp: lab!.guestIp, seconds: 3 };
  const download = await iperfBitsPerSecond({ ...common, reverse: false });
  const upload = await iperfBitsPerSecond({ ...common, reverse: true });
  const mbit = (b: number) => `${(b / 1e6).toFixed(2)} Mbit/s`;
  console.log(`# measured: download ${mbit(download)}, upload ${mbit(upload)}`);
  return { download, upload };
}

const shapingAt = (rate: string | null): ShapingSpec => ({
  interfaces: ['shaped0'],
  limits: rate ? [{ ip: lab!.guestIp, bandwidth: { inbound: rate, outbound: rate } }] : [],
});

test('a limit on the guest address is measured by iperf3 in each direction: 10 Mbit/s, raised to 20, removed', { timeout: 120_000 }, async () => {
  lab = await createTcLab();
  assert.equal(await converge(shapingAt('10Mbit')), 'create');
  const ten = await measure();
  for (const [direction, bits] of Object.entries(ten)) assert.ok(bits >= 8e6 && bits <= 10.5e6, `10Mbit ${direction}: ${bits}`);

  assert.equal(await converge(shapingAt('20Mbit')), 'update');
  const twenty = await measure();
  for (const [direction, bits] of Object.entries(twenty)) assert.ok(bits >= 16e6 && bits <= 21e6, `20Mbit ${direction}: ${bits}`);

  assert.equal(await converge(shapingAt(null)), 'delete');
  assert.equal(await converge(shapingAt(null)), 'none');
  const free = await measure();
  for (const [direction, bits] of Object.entries(free)) assert.ok(bits > 100e6, `unshaped ${direction}: ${bits}`);
});
