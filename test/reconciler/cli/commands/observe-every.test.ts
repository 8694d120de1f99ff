import assert from 'node:assert/strict';
import { test } from 'node:test';

import { COMMANDS } from '../../../../reconciler/cli/commands.js';
import { parseEvery } from '../../../../reconciler/cli/commands/observe-every.js';
import { runCli } from '../../../../reconciler/cli/run-cli.js';
import { captureIO } from '../../../support/capture-io.js';

test('--every takes durations that divide a day, so boundaries fall on the same times daily', () => {
  assert.equal(parseEvery('5m'), 300_000);
  assert.equal(parseEvery('300s'), 300_000);
  assert.equal(parseEvery('1h'), 3_600_000);
  assert.equal(parseEvery('24h'), 86_400_000);
  for (const wrong of ['7m', '25h', '0m', '5', 'm', '5 m', '-5m', '1d', '5m; rm -rf /', '99999999m']) {
    assert.equal(typeof parseEvery(wrong), 'string', wrong);
  }
});

test('a wrong --every is a usage error naming the choices, before anything is observed', async () => {
  const io = captureIO();
  const code = await runCli(COMMANDS, ['observe', '--every', '7m'], io);
  assert.equal(code, 1);
  assert.match(io.err(), /--every 7m does not divide a day evenly; use 1m, 5m, 10m, 15m, 1h/);
});
