import { join } from 'node:path';

import { validateInventory } from '../../inventory/validate/validate-inventory.js';
import { desiredStateJson } from '../../reconciler/store/api/desired-state-json.js';
import { finishApplyRun, recordChangeOutcome, startApplyRun } from '../../reconciler/store/apply/apply-runs.js';
import { type IpSighting, recordIpSightings } from '../../reconciler/store/facts/ip-history.js';
import { insertRun } from '../../reconciler/store/facts/observation-runs.js';
import { openStore, type Store } from '../../reconciler/store/open-store.js';
import { makeTempDir } from '../lab/daemon.js';
import { snapshotOf } from './lab-inventory.js';

/** A real store file holding an inventory as applied at `commit`, written by the same store
 * functions an apply uses (the lab without its daemons: for tests of what reads a store). */
export async function recordApplied(store: Store, commit: string, texts: ReadonlyMap<string, string>, at: number): Promise<void> {
  const validated = validateInventory(snapshotOf(texts));
  const errors = validated.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(`the inventory does not validate: ${errors.map((e) => e.code).join(', ')}`);
  const state = { ...validated.state, revision: { ...validated.state.revision, commit } };
  const runId = await startApplyRun(store, { commit, planHash: `plan-of-${commit}`, holder: 'test@lab', startedAt: at, planMessagesJson: '[]' });
  await recordChangeOutcome(store, runId, {
    seq: 0,
    address: 'vm/acme-web-01',
    action: 'create',
    driver: 'kvm',
    host: 'hv-01',
    status: 'applied',
    output: '',
    error: null,
    diagnosticsJson: null,
    stateJson: null,
    finishedAt: at,
  });
  await finishApplyRun(store, runId, { ok: true, finishedAt: at, commit, desiredJson: desiredStateJson(state) });
}

/** Records one switch walk's sightings as the observer does (an observation run and ip_history). */
export async function recordSightings(store: Store, device: string, sightings: readonly Omit<IpSighting, 'device'>[], at: number): Promise<void> {
  await store.transaction(async (tx) => {
    await insertRun(tx, { source: 'snmp', subject: device, startedAt: at, finishedAt: at, status: 'succeeded' });
    await recordIpSightings(
      tx,
      device,
      sightings.map((s) => ({ ...s, device })),
      at,
    );
  });
}

export async function tempStore(): Promise<{ store: Store; path: string; remove(): Promise<void> }> {
  const dir = await makeTempDir('pytin-api-');
  const path = join(dir.path, 'store.sqlite');
  const store = await openStore(path);
  return {
    store,
    path,
    remove: async () => {
      await store.close().catch(() => undefined);
      await dir.remove();
    },
  };
}
