import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';

import { applyPlan, type ChangeOutcome } from '../../../reconciler/apply/apply-plan.js';
import { type ApplyContext, type ApplyOutcome, type Driver, failedOutcome, hostRunner } from '../../../reconciler/drivers/driver.js';
import type { Change, ChangeTarget } from '../../../reconciler/plan/change.js';
import { changeOutcomes, recordChangeOutcomes, startApplyRun } from '../../../reconciler/store/apply/apply-runs.js';
import { openStore } from '../../../reconciler/store/open-store.js';
import { LocalRunner } from '../../../reconciler/transports/local-runner.js';
import { shellQuote } from '../../../reconciler/transports/shell-quote.js';
import { makeTempDir, waitFor } from '../../lab/daemon.js';

// The apply engine with real transports: each "host" is a real /bin/sh on this machine writing to
// its own file (a LocalRunner), the "service" is a real HTTP server on loopback. A driver made for
// this test records what it is asked to do where; the engine's promises are read off the files
// and the server, not off the engine's own words.

interface Journal {
  dir: string;
  file(host: string): string;
  lines(host: string): string[];
}

/** A driver that appends each change's address to its host's file, or POSTs it to the service;
 * a change whose address ends in `!fail` fails; one ending in `!wait-for-<host>` waits until that
 * host's file exists (a barrier that only parallel targets pass). */
function recordingDriver(journal: Journal): Driver {
  return {
    name: 'record',
    order: 10,
    plan: () => ({ changes: [], drift: [], diagnostics: [] }),
    async apply(change: Change, context: ApplyContext): Promise<ApplyOutcome> {
      if (change.address.endsWith('!fail')) return failedOutcome(change, 'APPLY_CHANGE_FAILED', 'told to fail', '');
      const barrier = /!wait-for-(\S+)$/.exec(change.address)?.[1];
      if (barrier) await waitFor(`${barrier} to have started`, () => existsSync(journal.file(barrier)), 60_000);
      if (context.transport.kind === 'service') {
        const { url } = context.transport.endpoint.client as { url: string };
        const response = await fetch(url, { method: 'POST', body: change.address });
        return response.ok ? { ok: true, output: '', diagnostics: [] } : failedOutcome(change, 'APPLY_CHANGE_FAILED', `HTTP ${response.status}`, '');
      }
      const result = await hostRunner(context).run(`echo ${shellQuote(change.address)} >> ${shellQuote(journal.file(context.target.name))}`);
      return result.exitCode === 0 ? { ok: true, output: '', diagnostics: [] } : failedOutcome(change, 'APPLY_CHANGE_FAILED', result.stderr, '');
    },
  };
}

const change = (address: string, target: { host: string } | { service: string }, driver = 'record'): Change =>
  ({ address, action: 'create', driver, before: null, after: {}, ...target }) as Change;

async function withService(t: { after(fn: () => unknown): void }): Promise<{ url: string; received: string[] }> {
  const received: string[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push(body);
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => server.close(resolve)));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { url: `http://127.0.0.1:${address.port}/`, received };
}

async function journal(t: { after(fn: () => unknown): void }): Promise<Journal> {
  const dir = await makeTempDir('apply-engine');
  t.after(dir.remove);
  const file = (host: string) => join(dir.path, `${host}.log`);
  return { dir: dir.path, file, lines: (host) => (existsSync(file(host)) ? readFileSync(file(host), 'utf8').trim().split('\n') : []) };
}

function transports(service: { url: string }) {
  return (target: ChangeTarget) =>
    target.kind === 'host'
      ? ({ kind: 'host', runner: new LocalRunner(target.name) } as const)
      : ({ kind: 'service', endpoint: { name: target.name, client: { url: service.url } } } as const);
}

test("each target's changes run in plan order; after a failure the rest of that target is skipped (APPLY_SKIPPED) and other targets carry on", async (t) => {
  const j = await journal(t);
  const service = await withService(t);
  const plan = {
    changes: [
      change('a/1', { host: 'hv-a' }),
      change('a/2!fail', { host: 'hv-a' }),
      change('a/3', { host: 'hv-a' }),
      change('a/4', { host: 'hv-a' }),
      change('b/1', { host: 'hv-b' }),
      change('b/2', { host: 'hv-b' }),
      change('z/1', { service: 'zabbix' }),
      change('z/2', { service: 'zabbix' }),
    ],
  };
  const recorded: ChangeOutcome[] = [];
  const outcomes = await applyPlan(plan, {
    drivers: [recordingDriver(j)],
    transportFor: transports(service),
    parallelism: 4,
    commit: null,
    onOutcome: async (o) => void recorded.push(o),
  });
  // What happened in the world.
  assert.deepEqual(j.lines('hv-a'), ['a/1']);
  assert.deepEqual(j.lines('hv-b'), ['b/1', 'b/2']);
  assert.deepEqual(service.received, ['z/1', 'z/2']);
  // What the engine reports, in plan order, each outcome recorded as it ended.
  assert.deepEqual(
    outcomes.map((o) => `${o.change.address} ${o.status} ${o.outcome.diagnostics.map((d) => d.code).join(',')}`),
    [
      'a/1 applied ',
      'a/2!fail failed APPLY_CHANGE_FAILED',
      'a/3 skipped APPLY_SKIPPED',
      'a/4 skipped APPLY_SKIPPED',
      'b/1 applied ',
      'b/2 applied ',
      'z/1 applied ',
      'z/2 applied ',
    ],
  );
  assert.match(outcomes[2]!.outcome.diagnostics[0]!.summary, /not attempted because a\/2!fail failed earlier on hv-a/);
  assert.equal(recorded.length, 8);
  // Commands each change ran on its host, as the host's runner counted them: none for the failure
  // that ran nothing, unknown for skipped changes and for the service.
  assert.deepEqual(
    outcomes.map((o) => o.commands),
    [1, 0, null, null, 1, 1, null, null],
  );
});

test("targets run in parallel: a change that waits for another target's first change completes", async (t) => {
  const j = await journal(t);
  const service = await withService(t);
  // hv-a's first change waits until hv-b has written: with targets one after another (hv-a
  // first, in plan order) it could never finish.
  const plan = { changes: [change('a/1!wait-for-hv-b', { host: 'hv-a' }), change('b/1', { host: 'hv-b' })] };
  const outcomes = await applyPlan(plan, {
    drivers: [recordingDriver(j)],
    transportFor: transports(service),
    parallelism: 2,
    commit: null,
    onOutcome: async () => undefined,
  });
  assert.deepEqual(
    outcomes.map((o) => o.status),
    ['applied', 'applied'],
  );
  assert.deepEqual([j.lines('hv-a'), j.lines('hv-b')], [['a/1!wait-for-hv-b'], ['b/1']]);
});

test('a change for a driver this pytin lacks, or a target without transport, is an outcome with its code, never a throw', async (t) => {
  const j = await journal(t);
  const service = await withService(t);
  const plan = { changes: [change('x/1', { host: 'hv-a' }, 'no-such-driver'), change('x/2', { host: 'hv-a' }), change('y/1', { host: 'hv-unknown' })] };
  const outcomes = await applyPlan(plan, {
    drivers: [recordingDriver(j)],
    transportFor: (target) =>
      target.name === 'hv-unknown'
        ? { severity: 'error', code: 'APPLY_TARGET_UNKNOWN', summary: 'host "hv-unknown" has no SSH settings pytin can use' }
        : transports(service)(target),
    parallelism: 2,
    commit: null,
    onOutcome: async () => undefined,
  });
  assert.deepEqual(
    outcomes.map((o) => `${o.change.address} ${o.status} ${o.outcome.diagnostics.map((d) => `${d.code}:${d.address}`).join(',')}`),
    ['x/1 failed APPLY_NO_DRIVER:x/1', 'x/2 skipped APPLY_SKIPPED:x/2', 'y/1 failed APPLY_TARGET_UNKNOWN:y/1'],
  );
  assert.deepEqual(j.lines('hv-a'), [], 'nothing ran after the failure');
});

test('no-op changes are shown in plans but never applied', async (t) => {
  const j = await journal(t);
  const service = await withService(t);
  const noop = { ...change('n/1', { host: 'hv-a' }), action: 'no-op' as const };
  const outcomes = await applyPlan(
    { changes: [noop, change('n/2', { host: 'hv-a' })] },
    { drivers: [recordingDriver(j)], transportFor: transports(service), parallelism: 1, commit: null, onOutcome: async () => undefined },
  );
  assert.deepEqual(
    outcomes.map((o) => o.change.address),
    ['n/2'],
  );
  assert.deepEqual(j.lines('hv-a'), ['n/2']);
});

/** A service driver that sends its run of changes in one request (as the Zabbix driver batches its
 * API calls); a change whose address ends in `!fail` fails. */
function batchingDriver(): Driver {
  return {
    name: 'batch',
    order: 10,
    plan: () => ({ changes: [], drift: [], diagnostics: [] }),
    apply: () => Promise.reject(new Error('a batching driver is given its changes together')),
    async applyBatch(changes: readonly Change[], context: ApplyContext): Promise<ApplyOutcome[]> {
      const { url } = (context.transport as { endpoint: { client: { url: string } } }).endpoint.client;
      await fetch(url, { method: 'POST', body: changes.map((c) => c.address).join(' ') });
      // `!fail`: the service refused it; `!unsent`: the driver never sent it (attempted: false).
      return changes.map((c) =>
        c.address.endsWith('!fail')
          ? failedOutcome(c, 'APPLY_CHANGE_FAILED', 'told to fail', '')
          : c.address.endsWith('!unsent')
            ? { ...failedOutcome(c, 'APPLY_CHANGE_FAILED', 'not sent', ''), attempted: false }
            : { ok: true, output: '', diagnostics: [] },
      );
    },
  };
}

test("a driver's batch is recorded together (onOutcomes, one store transaction) with the statuses one by one would give; every write the service refused is failed, only what the driver never sent is skipped", async (t) => {
  const service = await withService(t);
  const plan = { changes: ['z/1', 'z/2!unsent', 'z/3!fail', 'z/4!fail', 'z/5'].map((a) => change(a, { service: 'zabbix' }, 'batch')) };
  const dir = await makeTempDir('apply-batch-store');
  t.after(dir.remove);
  const store = await openStore(join(dir.path, 'store.sqlite'));
  t.after(() => store.close());
  const runId = await startApplyRun(store, { commit: null, planHash: 'h', holder: 'test', startedAt: 0 });
  const handedOver: string[][] = [];
  const together = await applyPlan(plan, {
    drivers: [batchingDriver()],
    transportFor: transports(service),
    parallelism: 1,
    commit: null,
    onOutcome: () => Promise.reject(new Error('a batch goes to onOutcomes when it is given')),
    onOutcomes: async (batch) => {
      handedOver.push(batch.map((o) => o.change.address));
      await recordChangeOutcomes(
        store,
        runId,
        batch.map((o) => ({
          seq: o.seq,
          address: o.change.address,
          action: o.change.action,
          driver: o.change.driver,
          host: null,
          status: o.status,
          output: o.outcome.output,
          error: null,
          diagnosticsJson: null,
          stateJson: null,
          finishedAt: o.finishedAt,
        })),
      );
    },
  });
  assert.deepEqual(service.received, ['z/1 z/2!unsent z/3!fail z/4!fail z/5'], 'one request for the run');
  assert.deepEqual(handedOver, [['z/1', 'z/2!unsent', 'z/3!fail', 'z/4!fail', 'z/5']]);
  // Plan order does not make z/4 a consequence of z/3: the service refused both.
  const statuses = ['z/1 applied', 'z/2!unsent skipped', 'z/3!fail failed', 'z/4!fail failed', 'z/5 applied'];
  assert.deepEqual(
    together.map((o) => `${o.change.address} ${o.status}`),
    statuses,
  );
  assert.deepEqual(
    (await changeOutcomes(store, runId)).map((o) => `${o.address} ${o.status}`),
    statuses,
  );
  // Without onOutcomes, each outcome of the batch goes to onOutcome, with the same statuses.
  const oneByOne: string[] = [];
  await applyPlan(plan, {
    drivers: [batchingDriver()],
    transportFor: transports(service),
    parallelism: 1,
    commit: null,
    onOutcome: async (o) => void oneByOne.push(`${o.change.address} ${o.status}`),
  });
  assert.deepEqual(oneByOne, statuses);
});
