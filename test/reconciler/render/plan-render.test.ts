import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { Change } from '../../../reconciler/plan/change.js';
import type { Plan } from '../../../reconciler/plan/plan.js';
import { summarize } from '../../../reconciler/plan/plan.js';
import { COLOUR, PLAIN, renderPlanHuman, styleFor } from '../../../reconciler/render/plan-human.js';
import { type PlanMessage, planMessages, renderPlanJsonLines } from '../../../reconciler/render/plan-json.js';
import { MARKDOWN_LIMIT, renderPlanMarkdown } from '../../../reconciler/render/plan-markdown.js';

const plan: Plan = {
  revision: { commit: 'a'.repeat(40), ref: 'HEAD', worktree: false, path: 'inventory' },
  factsFingerprint: 'f'.repeat(64),
  createdAt: '2026-11-27T08:00:00.000Z',
  changes: [
    { address: 'vm/web-01', action: 'create', driver: 'kvm', host: 'hv-01', before: null, after: { vcpus: 2, memory: '4GiB' } },
    {
      address: 'vm/db-01',
      action: 'update',
      driver: 'kvm',
      host: 'hv-01',
      fields: ['vcpus', 'interfaces'],
      // Observed and desired records differ in shape too (state, owner): not a change to show.
      before: { vcpus: 2, state: 'running', interfaces: [{ name: 'eth0', inbound: '100Mbit' }] },
      after: { vcpus: 4, tenant: 'acme', interfaces: [{ name: 'eth0', inbound: '200Mbit' }] },
      notes: ['restart needed for vcpus'],
    },
    {
      address: 'vm/old-01',
      action: 'replace',
      driver: 'kvm',
      host: 'hv-02',
      before: { disks: [{ name: 'root', bus: 'scsi' }] },
      after: { disks: [{ name: 'root', bus: 'virtio' }] },
      reason: 'disk bus changed',
    },
    { address: 'vm/gone-01', action: 'delete', driver: 'kvm', host: 'hv-02', before: { vcpus: 1 }, after: null },
  ],
  drift: [
    {
      address: 'ip/203.0.113.77',
      kind: 'unallocated-address-in-use',
      evidence: { source: 'snmp', where: 'sw-r01 Gi1/0/3', seenAt: '2026-11-27T07:59:00Z' },
      message: 'answers ARP but is allocated to nobody',
    },
  ],
  diagnostics: [{ severity: 'warning', code: 'PLAN_TC_PEAK_UNSUPPORTED', summary: 'tc cannot honour inboundPeak', address: 'server/shared-01' }],
};

test('a replace counts as one add and one destroy', () => {
  assert.deepEqual(summarize(plan), { add: 2, change: 1, destroy: 2 });
});

test('JSON lines: a version envelope first, a summary last, every line parses', () => {
  const lines = renderPlanJsonLines(planMessages(plan))
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as PlanMessage);
  assert.deepEqual(lines[0], { type: 'version', format: 1, tool: 'pytin' });
  assert.deepEqual(
    lines.map((l) => l.type),
    ['version', 'diagnostic', 'planned_change', 'planned_change', 'planned_change', 'planned_change', 'drift', 'change_summary'],
  );
  const summary = lines.at(-1) as Extract<PlanMessage, { type: 'change_summary' }>;
  assert.equal(summary.add, 2);
  assert.equal(summary.drift, 1);
  assert.equal(summary.factsFingerprint, 'f'.repeat(64));
});

test('the human plan shows glyphs, changed fields, notes, drift and the closing line', () => {
  const text = renderPlanHuman(planMessages(plan), PLAIN);
  assert.match(text, /^\s+\+ vm\/web-01 \(kvm on hv-01\)$/m);
  assert.match(text, /^\s+~ vm\/db-01 \(kvm on hv-01\)$/m);
  assert.match(text, /^\s+vcpus: 2 -> 4$/m);
  assert.match(text, /^\s+interfaces\.eth0\.inbound: "100Mbit" -> "200Mbit"$/m);
  assert.match(text, /note: restart needed for vcpus/);
  assert.doesNotMatch(text, /state:|tenant:/, 'only the fields the driver says changed');
  assert.match(text, /^-\/\+ vm\/old-01 \(kvm on hv-02\) — disk bus changed$/m);
  assert.match(text, /^\s+- vm\/gone-01/m);
  assert.match(text, /! ip\/203\.0\.113\.77: answers ARP but is allocated to nobody \[unallocated-address-in-use; snmp sw-r01 Gi1\/0\/3/);
  assert.match(text, /Plan: 2 to add, 1 to change, 2 to destroy\. 1 drift\.\n$/);
  assert.doesNotMatch(text, /\u001b\[/);
});

test('the human plan renders the same from parsed JSON lines as from the messages', () => {
  const parsed = renderPlanJsonLines(planMessages(plan))
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as PlanMessage);
  assert.equal(renderPlanHuman(parsed, PLAIN), renderPlanHuman(planMessages(plan), PLAIN));
});

test("NICs without names (as libvirt reports them) compare by MAC with git's, labelled by git's names", () => {
  const nic = (mac: string, inbound: string, name?: string) => ({ ...(name ? { name } : {}), mac, inbound });
  const change: Change = {
    address: 'vm/db-01',
    action: 'update',
    driver: 'kvm',
    host: 'hv-01',
    fields: ['interfaces'],
    before: { interfaces: [nic('52:54:00:00:00:01', '100Mbit'), nic('52:54:00:00:00:02', '10Mbit')] },
    after: { interfaces: [nic('52:54:00:00:00:01', '200Mbit', 'eth0'), nic('52:54:00:00:00:02', '10Mbit', 'eth1')] },
  };
  const text = renderPlanHuman(planMessages({ ...plan, changes: [change], drift: [], diagnostics: [] }), PLAIN);
  assert.match(text, /^\s+interfaces\.eth0\.inbound: "100Mbit" -> "200Mbit"$/m);
  assert.doesNotMatch(text, /eth1|name:/, 'an unchanged NIC and the names themselves are no difference');
});

test('colour only on a terminal without NO_COLOR', () => {
  assert.equal(styleFor(true, {}), COLOUR);
  assert.equal(styleFor(true, { NO_COLOR: '1' }), PLAIN);
  assert.equal(styleFor(false, {}), PLAIN);
  assert.match(renderPlanHuman(planMessages(plan), COLOUR), /\u001b\[32m  \+\u001b\[0m/);
});

test('an empty plan says so', () => {
  const text = renderPlanHuman(planMessages({ ...plan, changes: [], drift: [], diagnostics: [] }), PLAIN);
  assert.match(text, /No changes: the infrastructure matches the inventory\./);
  assert.match(text, /Plan: 0 to add, 0 to change, 0 to destroy\. 0 drift\./);
});

test('markdown: drift in its own section, long sections folded, never past the limit', () => {
  const small = renderPlanMarkdown(planMessages(plan));
  assert.match(small, /#### Changes/);
  assert.match(small, /#### Drift \(observed, not acted on\)/);
  assert.match(small, /\| `-\/\+` \| `vm\/old-01` \|/);
  assert.doesNotMatch(small, /<details>/);
  const many: Plan = {
    ...plan,
    changes: Array.from({ length: 20_000 }, (_, i) => ({
      address: `vm/vm-${i}`,
      action: 'create' as const,
      driver: 'kvm',
      host: 'hv-01',
      before: null,
      after: { vcpus: 1 },
    })),
  };
  const big = renderPlanMarkdown(planMessages(many));
  assert.ok(big.length <= MARKDOWN_LIMIT, `${big.length} characters`);
  assert.match(big, /<details>\n<summary>20000 changes<\/summary>/);
  assert.match(big, /cut here: the comment limit was reached/);
  assert.equal((big.match(/<details>/g) ?? []).length, (big.match(/<\/details>/g) ?? []).length);
});

test('an empty plan with diagnostics does not claim the infrastructure matches', () => {
  const text = renderPlanHuman(
    planMessages({
      ...plan,
      changes: [],
      drift: [],
      diagnostics: [{ severity: 'warning', code: 'PLAN_KVM_HOST_NOT_OBSERVED', summary: 'the domains of hypervisor "hv-01" were not observed' }],
    }),
    PLAIN,
  );
  assert.match(text, /No changes planned; see the diagnostics for what was not compared/);
  assert.doesNotMatch(text, /matches the inventory/);
});

test('every rendering of a plan says the same verdict; one with errors never says the infrastructure matches', () => {
  const error = { severity: 'error' as const, code: 'PLAN_PROTECTED_DESTROY', summary: 'vm/db-01 is protected and the plan would delete it' };
  const warning = { severity: 'warning' as const, code: 'PLAN_KVM_HOST_NOT_OBSERVED', summary: 'the domains of hypervisor "hv-01" were not observed' };
  const cases: Array<[Plan, RegExp]> = [
    [{ ...plan, changes: [], drift: [], diagnostics: [error] }, /The plan has an error: apply refuses it, and nothing could be planned where it failed/],
    [{ ...plan, diagnostics: [error, error] }, /The plan has 2 errors: apply refuses it\. See the diagnostics/],
    [{ ...plan, diagnostics: [] }, /pytin will perform these actions/],
    [{ ...plan, changes: [], drift: [], diagnostics: [warning] }, /No changes planned; see the diagnostics for what was not compared/],
    [{ ...plan, changes: [], drift: [], diagnostics: [] }, /No changes: the infrastructure matches the inventory/],
  ];
  for (const [p, verdict] of cases) {
    const human = renderPlanHuman(planMessages(p), PLAIN);
    const markdown = renderPlanMarkdown(planMessages(p));
    assert.match(human, verdict);
    assert.match(markdown, verdict);
    if (p.diagnostics.length) {
      assert.doesNotMatch(human, /matches the inventory/);
      assert.doesNotMatch(markdown, /matches the inventory/);
    }
  }
});
