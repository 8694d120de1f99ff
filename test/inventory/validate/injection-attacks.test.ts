import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { git, makeRepo, writeFiles } from '../../support/git-repo.js';
import { labTexts, positionOfMarker, PROJECT_ROOT } from '../../support/lab-inventory.js';

// The holes of issue 8 that inventory values open, each written as the attack: a branch under
// review edits the lab inventory, and CI runs what it runs on every pull request —
// `pytin validate --ref BRANCH` and `pytin plan --ref BRANCH --format markdown` — before anyone
// has read the branch. Both must refuse the value with its code at its file:line:col, and nothing
// the payload names may happen (a canary file it would create stays absent).

const PYTIN = join(PROJECT_ROOT, 'dist', 'reconciler', 'cli', 'pytin.js');

function pytin(cwd: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [PYTIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

interface Attack {
  name: string;
  /** Edits of the lab on the attacker's branch: file, text replaced, replacement (CANARY: the
   * path of the file the payload would create). */
  edits: Array<[string, string, string]>;
  /** The values refused: file, the value as written on the branch (its first occurrence is where
   * the diagnostic must point), code. */
  refused: Array<[string, string, string]>;
}

const HV01_URI = 'uri: "test+unix:///default?socket=/run/pytin-lab/hv-01/libvirt-sock"';

const attacks: Attack[] = [
  {
    name: 'a libvirt URI over the ext transport runs a program of the branch (virsh -c on the hypervisor)',
    edits: [['servers/hypervisors.yaml', HV01_URI, 'uri: "qemu+ext:///system?command=/bin/sh&name=-c%20touch%20CANARY"']],
    refused: [['servers/hypervisors.yaml', '"qemu+ext:', 'INV_SCHEMA_FORMAT']],
  },
  {
    name: 'the qemu+ext URI of the issue, as written there',
    edits: [['servers/hypervisors.yaml', HV01_URI, 'uri: "qemu+ext:///system?command=/tmp/evil.sh"']],
    refused: [['servers/hypervisors.yaml', '"qemu+ext:', 'INV_SCHEMA_FORMAT']],
  },
  {
    name: 'a backup agent command that ends the program and runs another (cron line and observation)',
    edits: [['servers/backup-01.yaml', 'command: pytin ', 'command: "pytin; touch CANARY" ']],
    refused: [['servers/backup-01.yaml', '"pytin; touch', 'INV_SCHEMA_FORMAT']],
  },
  {
    name: 'a disk pool and a bridge that add virt-install sub-options',
    edits: [
      ['vms/acme.yaml', '  - {name: root, size: 20GiB}\ninstall:', '  - {name: root, size: 20GiB, pool: "default,source.pool=other"}\ninstall:'],
      ['vms/acme.yaml', '    mac: 52:54:00:a0:00:01\n', '    mac: 52:54:00:a0:00:01\n    bridge: "br0,mac=52:54:00:00:00:99"\n'],
    ],
    refused: [
      ['vms/acme.yaml', '"default,source.pool=other"', 'INV_SCHEMA_FORMAT'],
      ['vms/acme.yaml', '"br0,mac=', 'INV_SCHEMA_FORMAT'],
    ],
  },
  {
    name: 'a schedule-free cron injection: a source path with a line break starts a root cron line',
    edits: [['backups.yaml', 'perUserHome: /var/tmp/pytin-lab/home', 'source: "/data\\n* * * * * root touch CANARY"']],
    refused: [['backups.yaml', '"/data\\n', 'INV_SCHEMA_FORMAT']],
  },
  {
    name: 'a schedule-free cron injection: % in a path ends the cron command, the rest becomes its input',
    edits: [['backups.yaml', 'target: /var/tmp/pytin-lab/backups/home', 'target: "/var/tmp/pytin-lab/backups/home%\\\\%touch CANARY"']],
    refused: [['backups.yaml', '"/var/tmp/pytin-lab/backups/home%', 'INV_SCHEMA_FORMAT']],
  },
  {
    name: 'an exclude pattern with a line break adds patterns to the exclude file',
    edits: [['backups.yaml', 'exclude: ["*.tmp", ".cache/"]', 'exclude: ["*.tmp\\n/etc", ".cache/"]']],
    refused: [['backups.yaml', '"*.tmp\\n/etc"', 'INV_SCHEMA_FORMAT']],
  },
];

for (const attack of attacks) {
  test(`attack refused at validate and plan: ${attack.name}`, async (t) => {
    const repo = await makeRepo(labTexts());
    t.after(repo.remove);
    const canary = join(repo.path, 'canary');
    const texts = labTexts();
    for (const [file, find, replace] of attack.edits) {
      const text = texts.get(file)!;
      assert.ok(text.includes(find), `${file}: ${find}`);
      texts.set(file, text.replace(find, replace.replace(/CANARY/g, canary)));
    }
    git(repo.path, 'checkout', '-q', '-b', 'attack');
    writeFiles(repo.path, new Map([...texts].filter(([file]) => attack.edits.some(([edited]) => edited === file))));
    git(repo.path, 'commit', '-qam', 'innocent change');
    git(repo.path, 'checkout', '-q', 'main');

    const expected = attack.refused.map(([file, marker, code]) => {
      const { line, col } = positionOfMarker(texts.get(file)!, marker.replace(/CANARY/g, canary));
      return `${file}:${line}:${col}: error ${code}`;
    });
    const validate = pytin(repo.path, 'validate', '--ref', 'attack');
    assert.equal(validate.code, 1, validate.out + validate.err);
    const reported = validate.out
      .split('\n')
      .filter((l) => / error /.test(l))
      .map((l) => l.replace(/^(\S+: error \S+):.*$/, '$1'));
    assert.deepEqual(reported, expected, validate.out);

    const plan = pytin(repo.path, 'plan', '--ref', 'attack', '--format', 'markdown');
    assert.equal(plan.code, 1, plan.out + plan.err);
    for (const diagnostic of expected) assert.ok(`${plan.out}${plan.err}`.includes(diagnostic), `${diagnostic} in\n${plan.out}${plan.err}`);
    assert.equal(existsSync(canary), false);
  });
}
