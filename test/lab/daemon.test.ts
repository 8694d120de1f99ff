import assert from 'node:assert/strict';
import { test } from 'node:test';

import { startDaemon, waitFor } from './daemon.js';

// The safety net is long on purpose: each test must end by the daemon's exit (or the check),
// never by this timeout, so a loaded machine cannot turn it into a pass or a failure.
const SAFETY_NET_MS = 120_000;

test('waitFor fails with the daemon exit status and stderr as soon as the daemon dies', async (t) => {
  const daemon = startDaemon('/bin/sh', ['-c', 'echo "bind: Address already in use" >&2; exit 3']);
  t.after(() => daemon.stop());
  await assert.rejects(
    waitFor('the daemon to answer', () => false, { timeoutMs: SAFETY_NET_MS, daemon }),
    (error: Error) => {
      assert.match(error.message, /\/bin\/sh \(pid \d+\) exited with code 3 while waiting for the daemon to answer/);
      assert.match(error.message, /bind: Address already in use/);
      assert.doesNotMatch(error.message, /timed out/);
      return true;
    },
  );
});

test('waitFor names the signal that killed the daemon', async (t) => {
  const daemon = startDaemon('/bin/sleep', ['600']);
  t.after(() => daemon.stop());
  const waiting = waitFor('sleep to become ready', () => false, { timeoutMs: SAFETY_NET_MS, daemon });
  process.kill(daemon.pid, 'SIGKILL');
  await assert.rejects(waiting, /\/bin\/sleep \(pid \d+\) was killed by SIGKILL while waiting for sleep to become ready; it wrote nothing to stderr/);
});

test('waitFor returns once the check passes while the daemon runs', async (t) => {
  const daemon = startDaemon('/bin/sleep', ['600']);
  t.after(() => daemon.stop());
  let calls = 0;
  await waitFor('the third check', () => ++calls === 3, { timeoutMs: SAFETY_NET_MS, intervalMs: 1, daemon });
  assert.equal(calls, 3);
  assert.equal(daemon.process.exitCode, null);
});

test('on its timeout waitFor reports the last error the check threw and the daemon stderr', async (t) => {
  const daemon = startDaemon('/bin/sh', ['-c', 'echo "still loading keys" >&2; exec sleep 600']);
  t.after(() => daemon.stop());
  // The timeout is the subject here; it is short, and nothing else in the test depends on time.
  await waitFor('the daemon to write its stderr', () => daemon.stderr.includes('still loading keys'), { timeoutMs: SAFETY_NET_MS, daemon });
  await assert.rejects(
    waitFor(
      'the port to open',
      () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:1');
      },
      { timeoutMs: 50, intervalMs: 10, daemon },
    ),
    (error: Error) => {
      assert.match(error.message, /^timed out after 50 ms waiting for the port to open; last check failed with: connect ECONNREFUSED 127\.0\.0\.1:1/);
      assert.match(error.message, /still loading keys/);
      return true;
    },
  );
});
