import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import type { BackupPolicySpec } from '../../../../inventory/model/specs.js';
import { applyPolicy } from '../../../../reconciler/drivers/backup-policy/apply-policy.js';
import { planPolicies } from '../../../../reconciler/drivers/backup-policy/plan-policies.js';
import { LocalRunner } from '../../../../reconciler/transports/local-runner.js';
import { makeTempDir } from '../../../lab/daemon.js';
import { errorOf, hostContext } from '../../../support/apply-context.js';

test('a backup target on a read-only file system is APPLY_BACKUP_INSTALL_FAILED; no schedule is installed for it', async (t) => {
  const dir = await makeTempDir('policy-read-only');
  const mounts: string[] = [];
  // Unmount before removing: node:test runs after-hooks in the order they were added.
  t.after(async () => {
    for (const m of mounts) spawnSync('umount', [m]);
    await dir.remove();
  });
  // The backup node's archive disk came back read-only (as ext4 does after an I/O error).
  const disk = join(dir.path, 'backups');
  mkdirSync(disk);
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', disk], { encoding: 'utf8' });
  assert.equal(mounted.status, 0, `mounting a read-only tmpfs needs root: ${mounted.stderr}`);
  mounts.push(disk);
  const cron = join(dir.path, 'cron.d');
  const policy: BackupPolicySpec = {
    kind: 'BackupPolicy',
    name: 'www',
    host: 'node',
    source: '/srv/www',
    target: join(disk, 'www'),
    iterations: 5,
    keepSequences: 1,
    schedule: '30 2 * * *',
    compression: 'gzip',
    exclude: [],
  };
  const planned = planPolicies({ host: 'node', agent: { command: 'pytin', cronDir: cron }, policies: [policy], observed: [], installed: [], observedAt: 0 }, 0);
  const change = planned.changes.find((c) => c.action === 'create');
  assert.ok(change, 'a create is planned');

  const outcome = await applyPolicy(change, hostContext(new LocalRunner('node')));
  assert.equal(outcome.ok, false);
  assert.match(errorOf(outcome)!, /^APPLY_BACKUP_INSTALL_FAILED: .*Read-only file system/);
  // Nothing half-installed: no target, and no schedule that would run into the read-only disk.
  assert.deepEqual(readdirSync(disk), []);
  assert.equal(existsSync(join(cron, 'pytin-backup-www')), false);
});
