import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import type { BackupPolicySpec } from '../../../../inventory/model/specs.js';
import { applyPolicy } from '../../../../reconciler/drivers/backup-policy/apply-policy.js';
import { planPolicies } from '../../../../reconciler/drivers/backup-policy/plan-policies.js';
import { markerLineOf } from '../../../../reconciler/drivers/backup-policy/policy-files.js';
import type { Change } from '../../../../reconciler/plan/change.js';
import { LocalRunner } from '../../../../reconciler/transports/local-runner.js';
import { makeTempDir } from '../../../lab/daemon.js';
import { errorOf, hostContext } from '../../../support/apply-context.js';

// Applied with a real /bin/sh on this machine's filesystem (the LocalRunner is how pytin acts on
// the host it runs on): what the driver changes on a backup node, and what it refuses to touch.

function spec(name: string, target: string): BackupPolicySpec {
  return {
    kind: 'BackupPolicy',
    name,
    host: 'node',
    source: '/srv/data',
    target,
    iterations: 5,
    keepSequences: 1,
    schedule: '30 2 * * *',
    compression: 'gzip',
    exclude: ['*.tmp'],
  };
}

function createChange(policy: BackupPolicySpec, cronDir: string): Change {
  const planned = planPolicies({ host: 'node', agent: { command: 'pytin', cronDir }, policies: [policy], observed: [], installed: [], observedAt: 0 }, 0);
  const change = planned.changes.find((c) => c.action === 'create');
  assert.ok(change, 'a create is planned');
  return change;
}

const runner = new LocalRunner('node');

test('a missing target is created 0700; an existing target keeps its mode (pytin chmods only what it created)', async (t) => {
  const dir = await makeTempDir('policy');
  t.after(dir.remove);
  const cron = join(dir.path, 'cron.d');
  const fresh = join(dir.path, 'backups', 'fresh');
  const created = await applyPolicy(createChange(spec('fresh', fresh), cron), hostContext(runner));
  assert.equal(created.ok, true, errorOf(created));
  assert.equal(statSync(fresh).mode & 0o777, 0o700);
  assert.equal(statSync(join(fresh, '.pytin-fresh.exclude')).mode & 0o777, 0o600);
  assert.equal(readFileSync(join(cron, 'pytin-backup-fresh'), 'utf8').split('\n')[0], markerLineOf('fresh'));

  // The attack: a branch points a policy at /etc (or any folder that exists): it is not chmod 700'd.
  const existing = join(dir.path, 'etc-like');
  mkdirSync(existing, { mode: 0o755 });
  const used = await applyPolicy(createChange(spec('etc', existing), cron), hostContext(runner));
  assert.equal(used.ok, true, errorOf(used));
  assert.equal(statSync(existing).mode & 0o777, 0o755);
});

test('a target that is a symbolic link is refused; nothing is written where it points', async (t) => {
  const dir = await makeTempDir('policy');
  t.after(dir.remove);
  const elsewhere = join(dir.path, 'elsewhere');
  mkdirSync(elsewhere, { mode: 0o755 });
  const link = join(dir.path, 'target');
  symlinkSync(elsewhere, link);
  const outcome = await applyPolicy(createChange(spec('linked', link), join(dir.path, 'cron.d')), hostContext(runner));
  assert.equal(outcome.ok, false);
  assert.match(errorOf(outcome)!, /^APPLY_BACKUP_NOT_OWNED: .*is a symbolic link/);
  assert.equal(statSync(elsewhere).mode & 0o777, 0o755);
  assert.equal(existsSync(join(elsewhere, '.pytin-linked.exclude')), false);
  assert.equal(existsSync(join(dir.path, 'cron.d', 'pytin-backup-linked')), false);
});

test("a schedule file that is not this policy's (another policy's, another tool's, a link) is neither replaced nor removed", async (t) => {
  const dir = await makeTempDir('policy');
  t.after(dir.remove);
  const cron = join(dir.path, 'cron.d');
  mkdirSync(cron);
  const victim = join(dir.path, 'victim');
  writeFileSync(victim, 'root-owned file\n');
  const cases: Array<[string, () => void]> = [
    ["another policy's schedule", () => writeFileSync(join(cron, 'pytin-backup-db_main'), `${markerLineOf('db.main')}\n* * * * * root true\n`)],
    ["another tool's cron file", () => writeFileSync(join(cron, 'pytin-backup-db_main'), '# certbot\n0 */12 * * * root certbot -q renew\n')],
    ['a link to a file outside', () => symlinkSync(victim, join(cron, 'pytin-backup-db_main'))],
  ];
  for (const [what, plant] of cases) {
    plant();
    const before = lstatSync(join(cron, 'pytin-backup-db_main')).isSymbolicLink() ? 'link' : readFileSync(join(cron, 'pytin-backup-db_main'), 'utf8');
    const outcome = await applyPolicy(createChange(spec('db_main', join(dir.path, 'backups', 'db')), cron), hostContext(runner));
    assert.equal(outcome.ok, false, what);
    assert.match(errorOf(outcome)!, /^APPLY_BACKUP_NOT_OWNED: pytin-backup-db_main exists and is not the schedule pytin installed for backup\/db_main/, what);
    const after = lstatSync(join(cron, 'pytin-backup-db_main')).isSymbolicLink() ? 'link' : readFileSync(join(cron, 'pytin-backup-db_main'), 'utf8');
    assert.equal(after, before, what);
    assert.equal(readFileSync(victim, 'utf8'), 'root-owned file\n', what);
    // A delete of that policy's schedule is refused the same way.
    const removal: Change = {
      address: 'backup/db_main',
      action: 'delete',
      driver: 'backup',
      host: 'node',
      before: { cronPath: join(cron, 'pytin-backup-db_main'), target: join(dir.path, 'backups', 'db') },
      after: null,
    };
    const removed = await applyPolicy(removal, hostContext(runner));
    assert.equal(removed.ok, false, what);
    assert.ok(existsSync(join(cron, 'pytin-backup-db_main')) || lstatSync(join(cron, 'pytin-backup-db_main')).isSymbolicLink(), what);
    (await import('node:fs')).rmSync(join(cron, 'pytin-backup-db_main'));
  }
});

test('its own schedule is replaced and removed (idempotently)', async (t) => {
  const dir = await makeTempDir('policy');
  t.after(dir.remove);
  const cron = join(dir.path, 'cron.d');
  const change = createChange(spec('home', join(dir.path, 'backups', 'home')), cron);
  assert.equal((await applyPolicy(change, hostContext(runner))).ok, true);
  assert.equal((await applyPolicy(change, hostContext(runner))).ok, true);
  const removal: Change = {
    address: 'backup/home',
    action: 'delete',
    driver: 'backup',
    host: 'node',
    before: { cronPath: join(cron, 'pytin-backup-home'), target: join(dir.path, 'backups', 'home') },
    after: null,
  };
  const removed = await applyPolicy(removal, hostContext(runner));
  assert.equal(removed.ok, true, errorOf(removed));
  assert.equal(existsSync(join(cron, 'pytin-backup-home')), false);
  assert.equal((await applyPolicy(removal, hostContext(runner))).ok, true, 'removing it again succeeds');
  // The archives' folder stays.
  assert.ok(existsSync(join(dir.path, 'backups', 'home')));
});
