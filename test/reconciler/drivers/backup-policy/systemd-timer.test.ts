import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';

import { InternalError } from '../../../../inventory/core/errors.js';
import type { BackupPolicySpec } from '../../../../inventory/model/specs.js';
import { onCalendarOf } from '../../../../reconciler/drivers/backup-policy/systemd-calendar.js';
import { execWord, timerUnitFiles } from '../../../../reconciler/drivers/backup-policy/systemd-timer.js';
import { parseCronSchedule } from '../../../../schemas/formats/cron.js';
import { makeTempDir } from '../../../lab/daemon.js';

const run = promisify(execFile);

const POLICY: BackupPolicySpec = {
  kind: 'BackupPolicy',
  name: 'home.users',
  host: 'b',
  perUserHome: '/home',
  target: '/backup/home',
  iterations: 5,
  keepSequences: 1,
  schedule: '30 2 * * *',
  exclude: ['*.tmp'],
  compression: 'gzip',
};
// An absolute program that exists here: systemd-analyze verify checks that ExecStart's does.
const AGENT = { command: '/usr/bin/true', cronDir: '/etc/cron.d' };

const SCHEDULES = [
  '30 2 * * *',
  '*/15 * * * *',
  '0 */6 * * *',
  '5,35 1-3 * * *',
  '0 0 * * 1-5',
  '0 4 * * 0',
  '0 4 * * 7',
  '0 3 1,15 * *',
  '0 3 1,15 * 0', // day-of-month OR weekday, as cron reads it
  '0 3 */10 * 6',
  '45 23 * 2-6/2 *',
  '0 12 29 2 *',
];
const FIRINGS = 40;
const BASE = Date.parse('2026-01-01T00:00:00Z');

/** The next FIRINGS times systemd computes for the expressions (all of them merged, as a timer
 * with several OnCalendar= lines fires at each), after BASE. */
async function systemdFirings(expressions: readonly string[]): Promise<string[]> {
  const { stdout } = await run('systemd-analyze', ['calendar', `--iterations=${FIRINGS}`, `--base-time=@${BASE / 1000}`, ...expressions], {
    env: { ...process.env, TZ: 'UTC', LC_ALL: 'C' },
  });
  const times = [...stdout.matchAll(/(?:Next elapse|Iter\. #\d+): \w{3} (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC/g)].map((m) => `${m[1]!.replace(' ', 'T')}.000Z`);
  return [...new Set(times)].sort().slice(0, FIRINGS);
}

function cronFirings(schedule: string): string[] {
  const cron = parseCronSchedule(schedule)!;
  const out: string[] = [];
  let at = new Date(BASE);
  for (let i = 0; i < FIRINGS; i++) {
    at = cron.nextRun(at)!;
    out.push(at.toISOString());
  }
  return out;
}

test('OnCalendar= fires when the cron schedule does: the first 40 firings agree with croner (UTC), per systemd-analyze calendar', async () => {
  for (const schedule of SCHEDULES) {
    const expressions = onCalendarOf(schedule);
    assert.deepEqual(await systemdFirings(expressions), cronFirings(schedule), `${schedule} -> ${expressions.join(' | ')}`);
  }
});

test('the generated timer and service pass systemd-analyze verify, without a warning', async (t) => {
  const dir = await makeTempDir('systemd-units');
  t.after(dir.remove);
  for (const schedule of ['30 2 * * *', '0 3 1,15 * 0']) {
    const files = timerUnitFiles({ ...POLICY, schedule }, AGENT, dir.path);
    assert.equal(files.timerPath, join(dir.path, 'pytin-backup-home_users.timer'));
    assert.equal(files.servicePath, join(dir.path, 'pytin-backup-home_users.service'));
    await writeFile(files.servicePath, files.serviceText);
    await writeFile(files.timerPath, files.timerText);
    const verified = await run('systemd-analyze', ['verify', files.timerPath, files.servicePath], { env: { ...process.env, LC_ALL: 'C' } }).catch(
      (error: { code: number; stderr: string }) => ({ stdout: '', stderr: `exit ${error.code}: ${error.stderr}` }),
    );
    assert.equal(verified.stderr, '', schedule);
  }
  const files = timerUnitFiles(POLICY, AGENT, '/etc/systemd/system');
  assert.match(
    files.serviceText,
    /^ExecStart=\/usr\/bin\/true backup run --per-user \/home --target \/backup\/home --name home\.users --iterations 5 --keep-sequences 1 --exclude-from \/backup\/home\/\.pytin-home\.users\.exclude --compress gzip$/m,
  );
  assert.match(files.timerText, /^OnCalendar=\*-\*-\* 02:30:00 UTC$/m);
  assert.match(files.timerText, /^# pytin backup policy backup\/home\.users: edit the inventory, not this file\.\n/);
});

test('attack: inventory values that systemd would expand, split or escape never reach a unit file', () => {
  // Each is what a value would need to run something else as root from ExecStart= or a unit name.
  for (const word of ['%n', '$HOME', '${PATH}', 'a b', '"a"', "'a'", 'a\\x20b', 'a;b', '!/bin/sh', '!!/bin/sh', 'a\nExecStartPre=/bin/sh', '']) {
    assert.throws(() => execWord(word, 'argument'), InternalError, JSON.stringify(word));
    assert.throws(() => execWord(word, 'command'), InternalError, JSON.stringify(word));
  }
  // Prefixes that change how the command runs: refused on the command, plain text in an argument.
  for (const word of ['-/bin/sh', '@/bin/sh', ':/bin/sh', '+/bin/sh']) {
    assert.throws(() => execWord(word, 'command'), InternalError, word);
    assert.equal(execWord(word, 'argument'), word);
  }
  const attempts: Array<[string, BackupPolicySpec, typeof AGENT, string]> = [
    ['target with a specifier', { ...POLICY, target: '/backup/%n' }, AGENT, '/etc/systemd/system'],
    ['home with a new line', { ...POLICY, perUserHome: '/home\nExecStartPre=/bin/sh' }, AGENT, '/etc/systemd/system'],
    ['agent with a variable', POLICY, { ...AGENT, command: '$SHELL' }, '/etc/systemd/system'],
    ['schedule with a new line', { ...POLICY, schedule: '30 2 * * *\nOnCalendar=minutely' }, AGENT, '/etc/systemd/system'],
    ['unit folder that climbs', POLICY, AGENT, '/etc/systemd/system/../../tmp'],
  ];
  for (const [what, policy, agent, unitDir] of attempts) assert.throws(() => timerUnitFiles(policy, agent, unitDir), InternalError, what);
});
