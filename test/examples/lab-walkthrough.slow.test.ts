import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';

import { type LabEnvironment, startLabEnvironment } from '../lab/lab-environment.js';
import { writeLabShellEnv } from '../lab/lab-shell-env.js';
import { PROJECT_ROOT } from '../support/lab-inventory.js';

// README "Ten minutes with the lab": the block is run as written (only the lab folder's name,
// which `npm run lab` prints, is filled in), so the walkthrough cannot rot. What it did is then
// read from libvirt and git, not from pytin's output.

const run = promisify(execFile);
const PLACEHOLDER = 'source /tmp/pytin-lab-XXXXXX/lab.env';

function walkthroughBlock(): string {
  const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
  const match = /<!-- walkthrough:[^>]*-->\s*```sh\n([\s\S]*?)```/.exec(readme);
  assert.ok(match, 'README has the walkthrough block');
  const block = match[1]!;
  assert.equal(block.split(PLACEHOLDER).length, 2, `the block starts from "${PLACEHOLDER}" once`);
  return block;
}

function bash(script: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/bash', ['-euo', 'pipefail', '-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}

test("the README walkthrough runs against `npm run lab`'s lab and leaves it as git says", { timeout: 600_000 }, async (t) => {
  const block = walkthroughBlock();
  // startLabEnvironment stops what it started if it fails half-way.
  const lab: LabEnvironment = await startLabEnvironment();
  t.after(() => lab.stop());
  const envFile = await writeLabShellEnv(lab);

  const { code, output } = await bash(block.replace(PLACEHOLDER, `source '${envFile}'`));
  assert.equal(code, 0, output);

  const virsh = (host: 'hv-01' | 'hv-02', ...args: string[]) => run('/usr/bin/virsh', ['-c', lab.libvirtd[host].uri, ...args]).then((r) => r.stdout);
  // The memory edit reached the domain's configuration (6 GiB in KiB).
  assert.match(await virsh('hv-01', 'dumpxml', '--inactive', 'acme-web-01'), /<memory unit='KiB'>6291456<\/memory>/);
  // The hand change was set back: acme-web-02 is given its 4 GiB again.
  assert.match(await virsh('hv-02', 'dumpxml', '--inactive', 'acme-web-02'), /<currentMemory unit='KiB'>4194304<\/currentMemory>/);
  // allocate wrote a second address into the YAML, and the commit holds it.
  const committed = (await run('git', ['show', 'HEAD:vms/acme.yaml'], { cwd: lab.repoDir })).stdout;
  assert.match(committed, /mac: 52:54:00:a0:00:02\n\s+ips: \[203\.0\.113\.11, 203\.0\.113\.\d+\]/);
  // The drift was reported on the way (pytin's words, after the state checks above).
  assert.match(output, /resources-changed-by-hand/);
});
