import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { makeRepo } from '../../../support/git-repo.js';
import { labTexts, labWith, PROJECT_ROOT } from '../../../support/lab-inventory.js';

const PYTIN = join(PROJECT_ROOT, 'dist', 'reconciler', 'cli', 'pytin.js');

/** Runs the real pytin binary, as an engineer or CI would. */
function pytin(cwd: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [PYTIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

test('validate on the lab at HEAD exits 0 and summarises the inventory with its commit', async (t) => {
  const repo = await makeRepo(labTexts(), 'inventory');
  t.after(repo.remove);
  const run = pytin(repo.path, 'validate', '--path', 'inventory');
  assert.equal(run.code, 0, run.err);
  assert.match(
    run.out,
    new RegExp(
      `^Valid: inventory at HEAD \\(${repo.commit.slice(0, 12)}\\): 35 resources \\(.*6 pool, 6 vm.*3 device, 1 aggregate, 2 vrf, 20 ip\\); 0 errors, 0 warnings\\.\\n$`,
    ),
  );
});

test('validate prints FILE:LINE:COL diagnostics, a summary, and exits 1 on errors', async (t) => {
  const repo = await makeRepo(labWith('vms/acme.yaml', 'ips: [203.0.113.11]', 'ips: [203.0.113.1]'));
  t.after(repo.remove);
  const run = pytin(repo.path, 'validate');
  assert.equal(run.code, 1);
  assert.match(
    run.out,
    /^vms\/acme\.yaml:29:11: error INV_RULE_IP_GATEWAY: 203\.0\.113\.1 is the gateway of pool "lab1-public"; a gateway is never held \(vm\/acme-web-02\)\n/,
  );
  assert.match(run.out, /Invalid: .*; 1 error, 0 warnings\.\n$/);
  assert.equal(run.err, '');
});

test('validate --json prints one diagnostic object per line and a summary line', async (t) => {
  const repo = await makeRepo(labWith('vms/acme.yaml', 'ips: [203.0.113.11]', 'ips: [203.0.113.1]'));
  t.after(repo.remove);
  const run = pytin(repo.path, 'validate', '--json');
  assert.equal(run.code, 1);
  const lines = run.out
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(lines[0], {
    type: 'diagnostic',
    severity: 'error',
    code: 'INV_RULE_IP_GATEWAY',
    summary: '203.0.113.1 is the gateway of pool "lab1-public"; a gateway is never held',
    detail: null,
    address: 'vm/acme-web-02',
    range: { file: 'vms/acme.yaml', start: { line: 29, col: 11 }, end: { line: 29, col: 22 } },
  });
  assert.equal(lines[1]!.type, 'summary');
  assert.equal(lines[1]!.errors, 1);
  assert.equal((lines[1]!.revision as { commit: string }).commit, repo.commit);
});

test('usage errors print the usage and exit 1; no stack trace reaches the user', async (t) => {
  const repo = await makeRepo(labTexts());
  t.after(repo.remove);
  const unknownFlag = pytin(repo.path, 'validate', '--frobnicate');
  assert.equal(unknownFlag.code, 1);
  assert.match(unknownFlag.err, /Unknown option '--frobnicate'[\s\S]*Usage: pytin validate/);
  const unknownCommand = pytin(repo.path, 'frobnicate');
  assert.equal(unknownCommand.code, 1);
  assert.match(unknownCommand.err, /unknown command "frobnicate"/);
  const both = pytin(repo.path, 'validate', '--ref', 'HEAD', '--worktree');
  assert.equal(both.code, 1);
  assert.match(both.err, /--ref and --worktree exclude each other/);
  const notRepo = pytin('/', 'validate', '--repo', '/proc');
  assert.equal(notRepo.code, 1);
  assert.match(notRepo.out, /error INV_GIT_NOT_A_REPOSITORY: \/proc is not inside a git repository/);
  for (const run of [unknownFlag, unknownCommand, both, notRepo]) assert.doesNotMatch(run.out + run.err, /\n\s+at .*\(.*:\d+:\d+\)/);
  const help = pytin(repo.path, '--help');
  assert.equal(help.code, 0);
  assert.match(help.out, /validate[\s\S]*allocate[\s\S]*schema/);
});

test('validate --worktree sees an uncommitted edit that HEAD does not', async (t) => {
  const repo = await makeRepo(labTexts());
  t.after(repo.remove);
  writeFileSync(join(repo.path, 'extra.yaml'), 'kind: Tenant\nname: initech\nbillingId: C-9\nvcpus: 1\n');
  assert.equal(pytin(repo.path, 'validate').code, 0);
  const edited = pytin(repo.path, 'validate', '--worktree');
  assert.equal(edited.code, 1);
  assert.match(edited.out, /^extra\.yaml:4:1: error INV_SCHEMA_UNKNOWN_FIELD: unknown field "vcpus"/m);
});

test('schema --out writes every schema, and the examples point editors at them', async (t) => {
  const repo = await makeRepo(new Map([['x', 'x']]));
  t.after(repo.remove);
  const run = pytin(repo.path, 'schema', '--out', 'schemas-out');
  assert.equal(run.code, 0, run.err);
  const written = spawnSync('ls', [join(repo.path, 'schemas-out')], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter(Boolean);
  assert.ok(written.includes('inventory.schema.json') && written.includes('vm.schema.json') && written.includes('common.schema.json'));
  for (const [file, text] of labTexts()) {
    if (!file.endsWith('.yaml')) continue;
    const depth = file.split('/').length - 1;
    assert.ok(text.startsWith(`# yaml-language-server: $schema=${'../'.repeat(depth + 2)}schemas/inventory.schema.json\n`), file);
  }
});
