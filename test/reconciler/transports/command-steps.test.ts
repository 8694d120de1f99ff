import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { type CommandStep, runSteps } from '../../../reconciler/transports/command-steps.js';
import { SshCommandRunner } from '../../../reconciler/transports/ssh/ssh-command-runner.js';
import { SshPool } from '../../../reconciler/transports/ssh/ssh-pool.js';
import { makeTempDir } from '../../lab/daemon.js';
import { type LabSshd, startSshd } from '../../lab/sshd.js';

// Several commands in one SSH round trip (a real sshd): each step's own output and exit status,
// the first failure ends the script, stdin reaches only the step that reads it.

let sshd: LabSshd;
let dir: { path: string; remove(): Promise<void> };
let pool: SshPool;
let runner: SshCommandRunner;

before(async () => {
  dir = await makeTempDir('command-steps');
  sshd = await startSshd();
  await writeFile(join(dir.path, 'known_hosts'), `${sshd.knownHostsLine}\n`);
  pool = new SshPool({ knownHostsPath: join(dir.path, 'known_hosts'), trustNewHosts: false, connectTimeoutMs: 5000 });
  runner = new SshCommandRunner(pool.host({ name: 'h1', host: '127.0.0.1', port: sshd.port, user: sshd.user, privateKeyPath: sshd.clientKeyPath }));
});
after(async () => {
  await pool?.close();
  await sshd?.stop();
  await dir?.remove();
});

test('steps run in one command, each with its own output; stdin goes only to the step that reads it', async () => {
  const before = runner.commandsRun;
  const results = await runSteps(
    runner,
    [
      { command: "echo first; echo 'first complains' >&2; cat" }, // reads /dev/null: prints nothing more
      { command: 'tr a-z A-Z', readsStdin: true },
      // Output shaped like a marker, without the script's random part, and without a newline.
      { command: "printf 'pytin-step-0000000000000000 3\\nlast'" },
    ],
    { stdin: 'hello\n' },
  );
  assert.equal(runner.commandsRun - before, 1);
  assert.deepEqual(results, [
    { exitCode: 0, signal: null, stdout: 'first\n', stderr: 'first complains\n' },
    { exitCode: 0, signal: null, stdout: 'HELLO\n', stderr: '' },
    { exitCode: 0, signal: null, stdout: 'pytin-step-0000000000000000 3\nlast', stderr: '' },
  ]);
});

for (const failing of [0, 1, 2]) {
  test(`a script failing at step ${failing + 1} of 3 reports that step's status and error, and runs nothing after it`, async () => {
    const flag = join(dir.path, `after-${failing}`);
    const steps: CommandStep[] = [0, 1, 2].map((index) => ({
      command: index === failing ? `echo 'step ${index} failed' >&2; exit ${10 + index}` : `echo step ${index}; touch ${flag}-${index}`,
    }));
    const results = await runSteps(runner, steps);
    assert.deepEqual(
      results.map((r) => r && [r.exitCode, r.stdout, r.stderr]),
      [0, 1, 2].map((index) => (index < failing ? [0, `step ${index}\n`, ''] : index === failing ? [10 + index, '', `step ${index} failed\n`] : null)),
    );
    // The steps after the failure never ran on the host.
    assert.deepEqual(
      [0, 1, 2].map((index) => existsSync(`${flag}-${index}`)),
      [0, 1, 2].map((index) => index < failing),
    );
  });
}
