import assert from 'node:assert/strict';
import { test } from 'node:test';

import { connectionSettingsOf } from '../../../inventory/model/connection-settings.js';
import { validateInventory } from '../../../inventory/validate/validate-inventory.js';
import { observationCoverage } from '../../../reconciler/plan/observation-coverage.js';
import type { FactView, HostFactsView, ObservedFacts } from '../../../reconciler/plan/observed-facts.js';
import { labTexts, labWith, snapshotOf } from '../../support/lab-inventory.js';

function facts(hosts: Record<string, HostFactsView>, devices: ObservedFacts['devices'] = new Map()): ObservedFacts {
  return { hosts: new Map(Object.entries(hosts)), devices, sightings: new Map(), lastApplied: new Map(), fingerprint: 'x' };
}

const observedHost: HostFactsView = { facts: new Map<string, FactView>([['basics', { value: {}, observedAt: 1 }]]), lastRun: undefined };
const walked = { facts: { observedAt: 1, facts: { interfaces: [], fdb: [] } }, lastRun: undefined };

function coverage(texts: Map<string, string>, observed: ObservedFacts) {
  const { state, diagnostics } = validateInventory(snapshotOf(texts));
  assert.deepEqual(
    diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  return observationCoverage({ state, connections: connectionSettingsOf(state), files: new Map(), facts: observed, now: 0 });
}

// The lab's reachable hosts and switches, counted from its YAML (not from pytin): every "ssh:" and "snmp:" line.
const reachable = [...labTexts().values()].reduce((n, text) => n + [...text.matchAll(/^(ssh|snmp):/gm)].length, 0);

test('a plan against a store that observed nothing says so once, naming every host and switch', () => {
  const diagnostics = coverage(labTexts(), facts({}));
  assert.deepEqual(
    diagnostics.map((d) => d.code),
    ['PLAN_NOTHING_OBSERVED'],
  );
  assert.equal(diagnostics[0]!.severity, 'warning');
  assert.match(diagnostics[0]!.summary, new RegExp(`no observation of any of the ${reachable} hosts and switches`));
  assert.match(diagnostics[0]!.detail!, /server\/hv-01 \(never attempted\)/);
});

test('hosts never observed are listed once with why; the observed ones are not', () => {
  const failed: HostFactsView = { facts: new Map(), lastRun: { status: 'failed', startedAt: 1, finishedAt: 2, error: 'connection refused' } };
  const devices = new Map([
    ['sw-r01', walked],
    ['sw-r02', walked],
  ]);
  const diagnostics = coverage(labTexts(), facts({ 'hv-01': observedHost, 'hv-02': failed }, devices));
  assert.deepEqual(
    diagnostics.map((d) => d.code),
    ['PLAN_NOT_OBSERVED'],
  );
  assert.match(diagnostics[0]!.summary, new RegExp(`^2 of ${reachable} hosts and switches were never observed`));
  assert.match(diagnostics[0]!.summary, /server\/hv-02 \(last attempt failed: connection refused\)/);
  assert.match(diagnostics[0]!.summary, /server\/backup-01 \(never attempted\)/);
  assert.doesNotMatch(diagnostics[0]!.summary, /hv-01/);
});

test('a hypervisor without ssh and a switch without snmp are not compared, and the plan says so', () => {
  let texts = labWith('servers/hypervisors.yaml', 'ssh: {host: 127.0.0.1, port: 22202, endpoint: lab-root}\n', '');
  texts = new Map(texts);
  texts.set('network/switches.yaml', texts.get('network/switches.yaml')!.replace(/snmp:\n  host: 127.0.0.1\n  port: 16102\n  credentials: sw-r02-snmp\n/, ''));
  const all = { 'hv-01': observedHost, 'backup-01': observedHost };
  const diagnostics = coverage(texts, facts(all, new Map([['sw-r01', walked]])));
  assert.deepEqual(
    diagnostics.map((d) => d.code),
    ['PLAN_NOT_OBSERVABLE'],
  );
  assert.match(diagnostics[0]!.summary, /server\/hv-02 \(no ssh section; its VMs\)/);
  assert.match(diagnostics[0]!.summary, /switch\/sw-r02 \(no snmp section/);
});

test('everything observed: nothing to say', () => {
  const devices = new Map([
    ['sw-r01', walked],
    ['sw-r02', walked],
  ]);
  assert.deepEqual(coverage(labTexts(), facts({ 'hv-01': observedHost, 'hv-02': observedHost, 'backup-01': observedHost }, devices)), []);
});
