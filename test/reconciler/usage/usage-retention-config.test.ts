import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { formatDiagnostic } from '../../../inventory/core/diagnostic.js';
import { loadOperatorConfig } from '../../../reconciler/session/operator-config.js';
import { DEFAULT_USAGE_RETENTION } from '../../../reconciler/usage/maintain-usage.js';
import { makeTempDir } from '../../lab/daemon.js';

test('usage retention is an operator setting: defaults, overrides, and mistakes at their line', async (t) => {
  const dir = await makeTempDir('pytin-usage-config-');
  t.after(() => dir.remove());
  const path = join(dir.path, 'config.yaml');

  writeFileSync(path, 'stateDir: /var/lib/pytin\n');
  const defaults = loadOperatorConfig(path);
  assert.ok(!Array.isArray(defaults));
  assert.deepEqual(defaults.usage, { rawSampleDays: 3, fiveMinuteDays: 100, hourlyDays: 800 });
  assert.deepEqual(DEFAULT_USAGE_RETENTION, defaults.usage);

  writeFileSync(path, 'usage:\n  fiveMinuteDays: 62\n');
  const partial = loadOperatorConfig(path);
  assert.ok(!Array.isArray(partial));
  assert.deepEqual(partial.usage, { rawSampleDays: 3, fiveMinuteDays: 62, hourlyDays: 800 });

  writeFileSync(path, 'usage:\n  rawSampleDays: 0\n  keepForever: true\n');
  const wrong = loadOperatorConfig(path);
  assert.ok(Array.isArray(wrong));
  const lines = wrong.map(formatDiagnostic).join('\n');
  assert.match(lines, /config\.yaml:2:\d+: error CONFIG_INVALID: .*rawSampleDays/);
  assert.match(lines, /config\.yaml:3:\d+: error CONFIG_INVALID: .*keepForever/);
});
