import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import type { LabEnvironment } from '../../lab/lab-environment.js';
import { git } from '../../support/git-repo.js';
import { pytinIn, startAppliedLab } from '../../support/pytin-in-lab.js';

// The attacks of issue 8, as a branch under review would make them, against the real lab: the
// branch's YAML is committed on a branch CI plans (`--ref`), with `plan --refresh` as CI runs it.
// Each asserts on the world — a UDP listener that must receive nothing, a canary file that must
// not appear, a cron folder that must not change — not on pytin's words alone.

let lab: LabEnvironment;
let trusted: string;
let untrusted: string;

before(async () => {
  lab = await startAppliedLab();
  // The operator's configurations, outside the repository: CI's (connections from main) and one
  // that trusts whatever revision is read (an operator's own checkout).
  trusted = join(lab.dir, 'ci.yaml');
  writeFileSync(trusted, 'connections: {trustedRef: main}\n');
  untrusted = join(lab.dir, 'laptop.yaml');
  writeFileSync(untrusted, 'secrets: {env: ["PYTIN_SECRET_*"]}\n');
});
after(async () => {
  await lab?.stop();
});

/** A branch made from main with `edits`, committed; the work tree stays on main. */
function branch(name: string, edits: Array<[file: string, edit: (text: string) => string]>): void {
  git(lab.repoDir, 'checkout', '-qb', name, 'main');
  try {
    for (const [file, edit] of edits) {
      const path = join(lab.repoDir, file);
      const before = readFileSync(path, 'utf8');
      const after = edit(before);
      assert.notEqual(after, before, `the edit of ${file} applies`);
      writeFileSync(path, after);
    }
    git(lab.repoDir, 'commit', '-qam', `attack: ${name}`);
  } finally {
    git(lab.repoDir, 'checkout', '-q', 'main');
  }
}

/** A UDP socket on loopback counting what reaches it. */
async function listener(): Promise<{ port: number; received: () => number; close: () => Promise<void> }> {
  const socket: Socket = createSocket('udp4');
  let count = 0;
  socket.on('message', () => count++);
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { port: socket.address().port, received: () => count, close: () => new Promise((r) => socket.close(() => r())) };
}

test('attack: a branch sends a file of the CI machine as the SNMP community to a host it chooses', async (t) => {
  const udp = await listener();
  t.after(udp.close);
  const ciKey = join(lab.dir, 'ci-deploy-key');
  const marker = `CI-KEY-${randomBytes(8).toString('hex')}`;
  writeFileSync(ciKey, `-----BEGIN OPENSSH PRIVATE KEY-----\n${marker}\n`, { mode: 0o600 });
  branch('exfiltrate-file', [
    ['settings.yaml', (s) => s.replace('community: {env: PYTIN_SECRET_SW_R01_COMMUNITY}', `community: {file: ${ciKey}}`)],
    ['network/switches.yaml', (s) => s.replace(/(name: sw-r01[\s\S]*?host: )127\.0\.0\.1(\n\s+port: )\d+/, `$1127.0.0.1$2${udp.port}`)],
  ]);
  for (const config of [untrusted, trusted]) {
    const run = await pytinIn(lab, 'plan', '--refresh', '--ref', 'exfiltrate-file', '--config', config);
    const said = run.out + run.err;
    assert.equal(udp.received(), 0, `nothing reached the branch's host (${config})`);
    assert.ok(!said.includes(marker), 'the key is never printed');
    if (config === untrusted)
      assert.match(
        said,
        /INV_SECRET_FILE_OUTSIDE_SECRETS_DIR: the community of snmp-credentials\/sw-r01-snmp \(for switch\/sw-r01\) reads the file .*ci-deploy-key, which is not in the secrets folder/,
      );
    else assert.match(said, /TRUST_CONNECTIONS_DIFFER: the connection settings of switch\/sw-r01 differ on this revision; pytin uses those of main/);
  }
});

test('attack: a branch sends any environment variable as the community', async (t) => {
  const udp = await listener();
  t.after(udp.close);
  branch('exfiltrate-env', [
    ['settings.yaml', (s) => s.replace('community: {env: PYTIN_SECRET_SW_R01_COMMUNITY}', 'community: {env: AWS_SECRET_ACCESS_KEY}')],
    ['network/switches.yaml', (s) => s.replace(/(name: sw-r01[\s\S]*?host: )127\.0\.0\.1(\n\s+port: )\d+/, `$1127.0.0.1$2${udp.port}`)],
  ]);
  lab.env.AWS_SECRET_ACCESS_KEY = 'aws-secret-of-the-ci-runner';
  t.after(() => delete lab.env.AWS_SECRET_ACCESS_KEY);
  const run = await pytinIn(lab, 'plan', '--refresh', '--ref', 'exfiltrate-env', '--config', untrusted);
  assert.equal(udp.received(), 0);
  assert.match(
    run.out + run.err,
    /INV_SECRET_ENV_NOT_ALLOWED: the community of snmp-credentials\/sw-r01-snmp \(for switch\/sw-r01\) reads the environment variable AWS_SECRET_ACCESS_KEY, which the pytin configuration does not allow/,
  );
  assert.ok(!(run.out + run.err).includes('aws-secret-of-the-ci-runner'));
});

test('attack: a branch runs programs on the hosts during plan --refresh (backup agent command, libvirt URI)', async () => {
  const canaries = [
    join(lab.dir, `canary-agent-${randomBytes(4).toString('hex')}`),
    join(lab.dir, `canary-uri-${randomBytes(4).toString('hex')}`),
    join(lab.dir, `canary-program-${randomBytes(4).toString('hex')}`),
  ];
  const script = (canary: string) => {
    const path = join(lab.dir, `evil-${randomBytes(4).toString('hex')}.sh`);
    writeFileSync(path, `#!/bin/sh\ntouch ${canary}\n`);
    chmodSync(path, 0o755);
    return path;
  };
  // Values no schema accepts: a command line in the agent, a libvirt transport that runs a program.
  branch('run-programs', [
    ['servers/backup-01.yaml', (s) => s.replace('command: pytin', `command: "pytin; touch ${canaries[0]}"`)],
    ['servers/hypervisors.yaml', (s) => s.replace(/uri: "test\+unix:[^"]+"/, `uri: "qemu+ext:///system?command=${script(canaries[1]!)}"`)],
  ]);
  for (const config of [untrusted, trusted]) {
    const run = await pytinIn(lab, 'plan', '--refresh', '--ref', 'run-programs', '--config', config);
    assert.equal(run.code, 1);
    assert.match(run.out, /servers\/backup-01\.yaml:\d+:\d+: error INV_SCHEMA_FORMAT: "backupAgent\.command"/);
    assert.match(run.out, /servers\/hypervisors\.yaml:\d+:\d+: error INV_SCHEMA_FORMAT: "libvirt\.uri"/);
  }
  // A value every schema accepts (a program path) still never runs while the branch is under
  // review: with a trusted ref, observation uses main's backup agent.
  branch('run-program-path', [['servers/backup-01.yaml', (s) => s.replace('command: pytin', `command: ${script(canaries[2]!)}`)]]);
  const reviewed = await pytinIn(lab, 'plan', '--refresh', '--ref', 'run-program-path', '--config', trusted);
  assert.match(
    reviewed.out + reviewed.err,
    /TRUST_CONNECTIONS_DIFFER: the connection settings of server\/backup-01 differ on this revision; pytin uses those of main/,
  );
  for (const canary of canaries) assert.equal(existsSync(canary), false, `${canary} must not exist`);
});

test('attack: a branch commits .pytin/known_hosts (its own pinned keys) into the checkout CI plans', async () => {
  // CI checks the branch out in a fresh clone: the branch force-added .pytin/known_hosts (the
  // default state folder is ignored, not protected), so the checkout holds the attacker's keys.
  const ci = join(lab.dir, 'ci-checkout');
  git(lab.dir, 'clone', '-q', lab.repoDir, ci);
  git(ci, 'checkout', '-qb', 'plant-keys');
  mkdirSync(join(ci, '.pytin'), { recursive: true });
  writeFileSync(join(ci, '.pytin', 'known_hosts'), '127.0.0.1 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAttackerAttackerAttackerAttackerAttacker0\n');
  git(ci, 'add', '-f', '.pytin/known_hosts');
  git(ci, 'commit', '-qm', 'attack: pinned keys');
  const run = await pytinIn({ ...lab, repoDir: ci }, 'plan', '--refresh');
  assert.equal(run.code, 1);
  assert.match(run.out + run.err, /TRUST_STATE_IN_GIT: pytin's state is in files git tracks: .*\.pytin\/known_hosts/);
  assert.deepEqual(readdirSync(join(ci, '.pytin')), ['known_hosts'], 'no store was created beside the planted keys, and nothing was observed');
});

test('attack: a saved plan edited to install a root cron line (hash recomputed) is refused; the cron folder is unchanged', async () => {
  // A real change on main: the policy's schedule moves, so the plan updates its cron file.
  git(lab.repoDir, 'checkout', '-q', 'main');
  const backups = join(lab.repoDir, 'backups.yaml');
  writeFileSync(backups, readFileSync(backups, 'utf8').replace('schedule: "30 2 * * *"', 'schedule: "45 2 * * *"'));
  git(lab.repoDir, 'commit', '-qam', 'move the backup');
  const file = join(lab.dir, 'reviewed.plan');
  const planned = await pytinIn(lab, 'plan', '--out', file);
  assert.equal(planned.code, 0, planned.out + planned.err);
  const saved = JSON.parse(readFileSync(file, 'utf8')) as { planHash: string; plan: { changes: Array<{ address: string; after: { cronText: string } }> } };
  const change = saved.plan.changes.find((c) => c.address === 'backup/home-users')!;
  change.after.cronText = change.after.cronText.replace(/^45 2 \* \* \* .*$/m, '* * * * * root echo TAMPERED > /tmp/pytin-tampered');
  const { planHash } = await import('../../../reconciler/plan/plan-identity.js');
  saved.planHash = planHash(saved.plan as never);
  writeFileSync(file, JSON.stringify(saved));
  const cronDir = join(lab.dir, 'cron.d');
  const before = Object.fromEntries(readdirSync(cronDir).map((f) => [f, readFileSync(join(cronDir, f), 'utf8')]));
  const applied = await pytinIn(lab, 'apply', file);
  assert.equal(applied.code, 1);
  assert.match(applied.err, /APPLY_PLAN_MISMATCH: the saved plan does not match its own inputs: change \d+ \(update backup\/home-users\)/);
  const after = Object.fromEntries(readdirSync(cronDir).map((f) => [f, readFileSync(join(cronDir, f), 'utf8')]));
  assert.deepEqual(after, before);
  assert.ok(!JSON.stringify(after).includes('TAMPERED'));
  // The reviewed plan itself applies.
  const honest = join(lab.dir, 'honest.plan');
  assert.equal((await pytinIn(lab, 'plan', '--out', honest)).code, 0);
  const good = await pytinIn(lab, 'apply', honest);
  assert.equal(good.code, 0, good.out + good.err);
  assert.match(readFileSync(join(cronDir, 'pytin-backup-home-users'), 'utf8'), /^45 2 \* \* \* root /m);
});
