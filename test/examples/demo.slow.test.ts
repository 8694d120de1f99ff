import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';

import { PROJECT_ROOT } from '../support/lab-inventory.js';

// The README's first command (`npm run demo`, after `npm ci`): the main job on examples/lab at
// HEAD — bring up the lab, validate, observe, plan, apply the saved plan, plan again in sync, show
// an address, serve the API and make billing's requests. Every step checks its own exit code, so
// exit 0 is the whole job having worked; the API's answers are read from its output.

const run = promisify(execFile);

test('npm run demo: the main job runs to the end on the bundled lab, and the API answers at HEAD', { timeout: 900_000 }, async (t) => {
  t.after(() => rmSync(join(PROJECT_ROOT, 'examples', 'lab', '.pytin'), { recursive: true, force: true }));
  const head = (await run('git', ['rev-parse', 'HEAD'], { cwd: PROJECT_ROOT })).stdout.trim();
  const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [join(PROJECT_ROOT, 'dist', 'examples', 'demo.js')], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (d: Buffer) => (text += d.toString()));
    child.stderr.on('data', (d: Buffer) => (text += d.toString()));
    child.once('error', reject);
    child.once('close', (exit) => resolve({ code: exit, output: text }));
  });
  assert.equal(code, 0, output);
  assert.match(output, /The demo ran: the lab matches examples\/lab, and billing can read it\./);
  // Every API answer names the commit the demo applied: HEAD.
  const revisions = [...output.matchAll(/^HTTP 200, X-Pytin-Revision: (\S+)$/gm)].map((m) => m[1]);
  assert.ok(revisions.length >= 5, output);
  assert.deepEqual([...new Set(revisions)], [head]);
  assert.match(output, /^HTTP 405, Allow: GET, HEAD$/m);
  assert.match(output, /"address": "203\.0\.113\.10"/);
});
