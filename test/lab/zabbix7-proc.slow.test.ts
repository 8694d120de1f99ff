import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { test } from 'node:test';
import { promisify } from 'node:util';

import { ZABBIX7_CACHE, ZABBIX7_SCRIPT, zabbix7Runtime } from './zabbix7-chroot.js';

const run = promisify(execFile);

// proc in the 7.0 chroot is mounted while a lab instance uses it and unmounted by the last one to
// leave, even when a test process died without leaving. Other test files may be using the chroot
// at the same time: "the last one" is judged from the users still alive.

const procMounted = async (root: string) =>
  run('mountpoint', ['-q', `${root}/proc`]).then(
    () => true,
    () => false,
  );
const users = () => (existsSync(`${ZABBIX7_CACHE}/proc-users`) ? readdirSync(`${ZABBIX7_CACHE}/proc-users`) : []);
const alive = (user: string) => {
  try {
    process.kill(Number(user.split('.')[0]), 0);
    return true;
  } catch {
    return false;
  }
};

test('two lab instances of one process: proc stays mounted until both have left, then goes unless another process uses it', async () => {
  const runtime = await zabbix7Runtime();
  const leaveFirst = await runtime.enter();
  const leaveSecond = await runtime.enter();
  assert.equal(await procMounted(runtime.root), true);
  await leaveFirst();
  assert.equal(await procMounted(runtime.root), true, 'the second instance still uses proc');
  await leaveSecond();
  assert.ok(!users().some((u) => u.startsWith(`${process.pid}.`)), 'this process is still listed as a user');
  assert.equal(await procMounted(runtime.root), users().some(alive));
});

test('a test process killed without leaving does not keep proc mounted', async () => {
  const runtime = await zabbix7Runtime();
  // A process that enters and is killed before it can leave.
  const doomed = spawn('sleep', ['600'], { stdio: 'ignore' });
  const exited = new Promise((resolve) => doomed.once('exit', resolve));
  const doomedUser = `${doomed.pid}.1`;
  await run('bash', [ZABBIX7_SCRIPT, 'enter', ZABBIX7_CACHE, doomedUser]);
  doomed.kill('SIGKILL');
  await exited;
  assert.ok(users().includes(doomedUser));
  const leave = await runtime.enter();
  await leave();
  assert.ok(!users().includes(doomedUser), 'the dead user was not forgotten');
  assert.equal(await procMounted(runtime.root), users().some(alive));
});
