import assert from 'node:assert/strict';
import { test } from 'node:test';

import { InternalError } from '../../../../inventory/core/errors.js';
import type { BackupPolicySpec } from '../../../../inventory/model/specs.js';
import { backupPolicyTarget } from '../../../../reconciler/drivers/backup-policy/observe-backups.js';
import { cronField, policyFiles } from '../../../../reconciler/drivers/backup-policy/policy-files.js';
import { cronCommand } from '../sink-readers.js';

const POLICY: BackupPolicySpec = {
  kind: 'BackupPolicy',
  name: 'home',
  host: 'b',
  perUserHome: '/home',
  target: '/backup/home',
  iterations: 5,
  keepSequences: 1,
  schedule: '30 2 * * *',
  exclude: ['*.tmp'],
  compression: 'gzip',
};
const AGENT = { command: 'pytin', cronDir: '/etc/cron.d' };

test('cron reads an escaped field back as written', () => {
  for (const text of ['a%b', '%', 'a%%b', 'a\\\\%b', 'a\\b', "'a'\\''%b'"])
    assert.deepEqual(cronCommand(cronField(text)), { command: text, stdin: null }, text);
});

test('a cron field cron cannot read back is a bug: line breaks, NUL, and % after an odd run of backslashes', () => {
  for (const text of ['a\nb', 'a\rb', 'a\vb', 'a\fb', 'a\x85b', 'a\u2028b', 'a\u2029b', 'a\0b', 'a\\%b', '\\%', 'a\\\\\\%b']) {
    assert.throws(() => cronField(text), InternalError, JSON.stringify(text));
  }
});

test('the policy files and the observation command check every inventory value again', () => {
  const attempts: Array<[string, BackupPolicySpec, typeof AGENT]> = [
    ['agent command', POLICY, { ...AGENT, command: 'pytin; touch /tmp/x' }],
    ['cron folder', POLICY, { ...AGENT, cronDir: '/etc/cron.d/../../tmp' }],
    ['home', { ...POLICY, perUserHome: '/home\n* * * * * root touch /tmp/x' }, AGENT],
    ['source', { ...POLICY, perUserHome: undefined, source: '/data%touch /tmp/x' }, AGENT],
    ['target', { ...POLICY, target: '/etc/logrotate.d' }, AGENT],
    ['exclude', { ...POLICY, exclude: ['*.tmp\n/etc'] }, AGENT],
    ['name', { ...POLICY, name: 'x y' }, AGENT],
  ];
  for (const [what, policy, agent] of attempts) {
    assert.throws(() => policyFiles(policy, agent), InternalError, what);
    if (what !== 'exclude') assert.throws(() => backupPolicyTarget(policy, agent), InternalError, what);
  }
  assert.match(policyFiles(POLICY, AGENT).cronText, /^30 2 \* \* \* root pytin backup run --per-user \/home --target \/backup\/home --name home /m);
});
