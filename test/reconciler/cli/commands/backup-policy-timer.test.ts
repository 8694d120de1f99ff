import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';

import { type LabEnvironment, startLabEnvironment } from '../../../lab/lab-environment.js';
import { commitEdit, plannedChanges, pytinIn } from '../../../support/pytin-in-lab.js';

const run = promisify(execFile);

// backup-01's trusted settings say its schedules are systemd timers, installed in a lab folder
// over SSH. No systemd runs here: the units are installed, checked by systemd-analyze, not started.
let lab: LabEnvironment;
const unitDir = () => join(lab.dir, 'systemd');
before(async () => {
  lab = await startLabEnvironment();
  // systemd looks a bare command up in its own fixed folders, not the SSH session's PATH (a real
  // node installs pytin in /usr/local/bin): here the agent is the wrapper's absolute path.
  commitEdit(
    lab,
    'servers/backup-01.yaml',
    (t) =>
      t
        .replace(/(\n {2}cronDir: \S+)/, `$1\n  scheduler: systemd\n  unitDir: ${unitDir()}`)
        .replace(/\n {2}command: pytin\b/, `\n  command: ${join(lab.dir, 'bin', 'pytin')}`),
    'timers',
  );
  assert.equal((await pytinIn(lab, 'observe', '--trust-new-hosts')).code, 0);
});
after(async () => {
  await lab?.stop();
});

test('a policy on a host that uses systemd is installed over SSH as a service and a timer, which systemd-analyze verifies; no cron file', async () => {
  const plan = await pytinIn(lab, 'plan', '--json');
  assert.ok(plannedChanges(plan.out).includes('create backup/home-users'), plan.out);
  const apply = await pytinIn(lab, 'apply', '--auto-approve');
  assert.equal(apply.code, 0, apply.out + apply.err);
  assert.deepEqual(readdirSync(unitDir()).sort(), ['pytin-backup-home-users.service', 'pytin-backup-home-users.timer']);
  assert.ok(!existsSync(join(lab.dir, 'cron.d', 'pytin-backup-home-users')), 'no cron.d file');
  const timer = readFileSync(join(unitDir(), 'pytin-backup-home-users.timer'), 'utf8');
  assert.match(timer, /^OnCalendar=\*-\*-\* 02:30:00 UTC$/m);
  const service = readFileSync(join(unitDir(), 'pytin-backup-home-users.service'), 'utf8');
  assert.match(
    service,
    new RegExp(
      `^ExecStart=${join(lab.dir, 'bin', 'pytin')} backup run --per-user ${join(lab.dir, 'home')} --target ${join(lab.dir, 'backups', 'home')} --name home-users `,
      'm',
    ),
  );
  const verified = await run(
    'systemd-analyze',
    ['verify', join(unitDir(), 'pytin-backup-home-users.timer'), join(unitDir(), 'pytin-backup-home-users.service')],
    {
      env: { ...process.env, LC_ALL: 'C' },
    },
  ).catch((error: { code: number; stderr: string }) => ({ stderr: `exit ${error.code}: ${error.stderr}` }));
  assert.equal(verified.stderr, '');
  // Observation reads both units back: the next plan is empty.
  const again = await pytinIn(lab, 'plan', '--refresh', '--detailed-exitcode');
  assert.equal(again.code, 0, again.out);
});

test('a unit changed by hand is an update that writes it back; a policy that leaves git has both units removed', async () => {
  const timerPath = join(unitDir(), 'pytin-backup-home-users.timer');
  const original = readFileSync(timerPath, 'utf8');
  await run('sed', ['-i', 's/02:30:00/04:00:00/', timerPath]);
  const plan = await pytinIn(lab, 'plan', '--refresh', '--json');
  assert.deepEqual(plannedChanges(plan.out), ['update backup/home-users']);
  assert.equal((await pytinIn(lab, 'apply', '--auto-approve')).code, 0);
  assert.equal(readFileSync(timerPath, 'utf8'), original);

  commitEdit(lab, 'backups.yaml', (t) =>
    t
      .replace('kind: BackupPolicy', 'kind: Tenant\nname: placeholder\nbillingId: X-1\n---\nkind: BackupPolicy')
      .replace(/\n---\nkind: BackupPolicy[\s\S]*$/, '\n'),
  );
  const removal = await pytinIn(lab, 'plan', '--json');
  assert.deepEqual(plannedChanges(removal.out), ['delete backup/home-users']);
  const applied = await pytinIn(lab, 'apply', '--auto-approve');
  assert.equal(applied.code, 0, applied.out + applied.err);
  assert.deepEqual(readdirSync(unitDir()), []);
  assert.equal((await pytinIn(lab, 'plan', '--refresh', '--detailed-exitcode')).code, 0);
});
