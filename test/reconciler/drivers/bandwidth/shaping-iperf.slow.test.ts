import assert from 'node:assert/strict';
import { after, test } from 'node:test';

import { bandwidthDriver, planBandwidthHosts } from '../../../../reconciler/drivers/bandwidth/bandwidth-driver.js';
import { compileShaping, shapingDevices, type ShapingSpec } from '../../../../reconciler/drivers/bandwidth/compile-shaping.js';
import { readShaping } from '../../../../reconciler/drivers/bandwidth/read-shaping.js';
import { readTcFacts } from '../../../../reconciler/drivers/bandwidth/read-tc.js';
import { iperfBitsPerSecond } from '../../../lab/iperf.js';
import { createTcLab, type TcLab } from '../../../lab/tc-namespaces.js';
import { errorOf, hostContext } from '../../../support/apply-context.js';

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
  const plan = planBandwidthHosts([{ desired: compileShaping('shared-01', shaping, observed), observed }]);
  assert.deepEqual(plan.diagnostics, []);
  if (plan.changes.length === 0) return 'none';
  const outcome = await bandwidthDriver.apply(plan.changes[0]!, hostContext(lab!.hostRunner, null));
  assert.equal(outcome.ok, true, errorOf(outcome));
  return plan.changes[0]!.action;
}

/** Download: the host sends to the guest address (shaped on the guest-facing interface's egress
 * by destination). Upload: the guest address sends to the host (redirected at ingress to the ifb,
 * shaped there by source). */
async function measure(label: string, serverIp: string): Promise<{ download: number; upload: number }> {
  const common = { serverNs: lab!.guest, clientNs: lab!.host, serverIp, seconds: 3 };
  const download = await iperfBitsPerSecond({ ...common, reverse: false });
  const upload = await iperfBitsPerSecond({ ...common, reverse: true });
  const mbit = (b: number) => `${(b / 1e6).toFixed(2)} Mbit/s`;
  console.log(`# ${label} (${serverIp}): download ${mbit(download)}, upload ${mbit(upload)}`);
  return { download, upload };
}

function assertWithin(measured: { download: number; upload: number }, low: number, high: number, what: string): void {
  for (const [direction, bits] of Object.entries(measured))
    assert.ok(bits >= low && bits <= high, `${what} ${direction}: ${bits} bit/s not in [${low}, ${high}]`);
}

test('limits on guest addresses are measured by iperf3 in each direction: 10 Mbit/s (IPv4 and IPv6), raised to 20, removed', { timeout: 180_000 }, async () => {
  lab = await createTcLab();
  const shaping = (v4: string | null, v6: string | null): ShapingSpec => ({
    interfaces: [lab!.shaped],
    limits: [
      ...(v4 ? [{ ip: lab!.guestIp, bandwidth: { inbound: v4, outbound: v4 } }] : []),
      ...(v6 ? [{ ip: lab!.guestIp6, bandwidth: { inbound: v6, outbound: v6 } }] : []),
    ],
  });

  assert.equal(await converge(shaping('10Mbit', '10Mbit')), 'create');
  assertWithin(await measure('10Mbit', lab.guestIp), 8e6, 10.5e6, '10Mbit IPv4');
  assertWithin(await measure('10Mbit', lab.guestIp6), 8e6, 10.5e6, '10Mbit IPv6');
  // The limit is per address: the guest's other address is not shaped.
  assertWithin(await measure('other address, no limit', lab.guestIp2), 100e6, Infinity, 'unlimited address');

  assert.equal(await converge(shaping('20Mbit', null)), 'update');
  assertWithin(await measure('20Mbit', lab.guestIp), 16e6, 21e6, '20Mbit IPv4');

  assert.equal(await converge(shaping(null, null)), 'delete');
  assert.equal(await converge(shaping(null, null)), 'none');
  assertWithin(await measure('removed', lab.guestIp), 100e6, Infinity, 'unshaped');
});
