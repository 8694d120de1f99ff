import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { COMMANDS } from '../../../reconciler/cli/commands.js';
import { runCli } from '../../../reconciler/cli/run-cli.js';
import { makeTempDir } from '../../lab/daemon.js';
import { captureIO } from '../../support/capture-io.js';
import { git, makeRepo } from '../../support/git-repo.js';
import { labTexts } from '../../support/lab-inventory.js';

// Mistakes in the operator's own files (configuration, saved plan), in a real git repository of
// examples/lab: each is a diagnostic with its code, exit 1, and pytin leaves no state behind.

async function pytinAt(repo: string, ...args: string[]) {
  const io = captureIO(repo, {});
  const code = await runCli(COMMANDS, args, io);
  return { code, out: io.out(), err: io.out() + io.err() };
}

test('CONFIG_UNREADABLE and CONFIG_INVALID: a missing, a broken and a wrong configuration stop pytin before any state', async (t) => {
  const repo = await makeRepo(labTexts());
  t.after(repo.remove);
  const missing = await pytinAt(repo.path, 'plan', '--config', join(repo.path, 'no-such-config.yaml'));
  assert.equal(missing.code, 1);
  assert.match(missing.err, /CONFIG_UNREADABLE: cannot read the pytin configuration \S+no-such-config\.yaml: ENOENT/);

  // Configuration files live outside the repository (as an operator's do), in a folder of their own.
  const outside = await makeTempDir('operator-config');
  t.after(outside.remove);
  const broken = join(outside.path, 'broken.yaml');
  writeFileSync(broken, 'stateDir: [unclosed\n');
  const unparsable = await pytinAt(repo.path, 'plan', '--config', broken);
  assert.equal(unparsable.code, 1);
  assert.match(unparsable.err, /error CONFIG_UNREADABLE: pytin configuration: /);

  const wrong = join(outside.path, 'wrong.yaml');
  writeFileSync(wrong, 'stateDir: /var/lib/pytin\nsecrets:\n  maxFileBytes: lots\n');
  const invalid = await pytinAt(repo.path, 'plan', '--config', wrong);
  assert.equal(invalid.code, 1);
  // At the value's line and column in the configuration file.
  assert.match(invalid.err, /\/wrong\.yaml:3:17: error CONFIG_INVALID: pytin configuration: /);
  for (const path of [join(repo.path, '.pytin'), '/var/lib/pytin/store.sqlite']) assert.ok(!existsSync(path), `${path} was not created`);
});

test('TRUST_REF_UNKNOWN and TRUST_REF_INVALID: connection settings never come from a missing trusted ref or one that does not validate', async (t) => {
  const repo = await makeRepo(labTexts());
  t.after(repo.remove);
  // The trusted branch is broken (a VM on a hypervisor that does not exist); HEAD is fine.
  git(repo.path, 'checkout', '-q', '-b', 'trusted');
  const vms = join(repo.path, 'vms', 'acme.yaml');
  writeFileSync(vms, readFileSync(vms, 'utf8').replace('hypervisor: hv-01', 'hypervisor: hv-missing'));
  git(repo.path, 'commit', '-qam', 'break the trusted ref');
  git(repo.path, 'checkout', '-q', 'main');
  const outside = await makeTempDir('operator-config');
  t.after(outside.remove);
  const config = join(outside.path, 'trusted.yaml');
  writeFileSync(config, `stateDir: ${join(outside.path, 'state')}\nconnections:\n  trustedRef: trusted\n`);
  writeFileSync(`${config}.unknown`, readFileSync(config, 'utf8').replace('trustedRef: trusted', 'trustedRef: origin/no-such-branch'));
  const unknown = await pytinAt(repo.path, 'plan', '--config', `${config}.unknown`);
  assert.equal(unknown.code, 1);
  assert.match(unknown.err, /TRUST_REF_UNKNOWN: the trusted ref "origin\/no-such-branch" of the pytin configuration does not exist/);
  const plan = await pytinAt(repo.path, 'plan', '--config', config);
  assert.equal(plan.code, 1);
  assert.match(
    plan.err,
    /TRUST_REF_INVALID: the inventory at the trusted ref "trusted" \([0-9a-f]{12}\) has \d+ error\(s\); its connection settings cannot be used/,
  );
});

test('PLAN_FILE_UNREADABLE: a file that is not a saved plan, or was edited, is refused and nothing is applied', async (t) => {
  const repo = await makeRepo(labTexts());
  t.after(repo.remove);
  const notJson = join(repo.path, 'notes.plan');
  writeFileSync(notJson, 'apply everything\n');
  const refused = await pytinAt(repo.path, 'apply', notJson);
  assert.equal(refused.code, 1);
  assert.match(refused.err, /PLAN_FILE_UNREADABLE: \S+notes\.plan is not JSON; save plans with pytin plan --out FILE/);

  const saved = await pytinAt(repo.path, 'plan', '--out', 'lab.plan');
  assert.equal(saved.code, 0, saved.err);
  const file = join(repo.path, 'lab.plan');
  // Someone rebinds the plan to other facts by hand.
  const text = readFileSync(file, 'utf8');
  const rebound = text.replace(/("factsFingerprint": ")[0-9a-f]{64}"/, `$1${'0'.repeat(64)}"`);
  assert.notEqual(rebound, text, 'the saved plan carries a facts fingerprint to edit');
  writeFileSync(file, rebound);
  const edited = await pytinAt(repo.path, 'apply', file);
  assert.equal(edited.code, 1);
  assert.match(edited.err, /PLAN_FILE_UNREADABLE: \S+lab\.plan was modified after it was saved \(its hash does not match\); plan again/);
});
