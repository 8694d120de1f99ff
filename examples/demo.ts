// pytin's main job on the bundled lab (npm run demo): bring up the lab's hosts on loopback and in
// a network namespace, then validate, observe, plan, apply, and plan again against them, with the
// inventory examples/lab as committed at HEAD. Needs root (namespaces, sshd); the Debian packages
// are installed by test/lab/ensure-packages.sh first.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { startLabEnvironment } from '../test/lab/lab-environment.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const inventory = join(root, 'examples', 'lab');
const pytin = join(root, 'dist', 'reconciler', 'cli', 'pytin.js');

function step(title: string, args: string[], env: NodeJS.ProcessEnv, expected: readonly number[] = [0]): Promise<number> {
  process.stdout.write(`\n== ${title}\n$ pytin ${args.join(' ')}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [pytin, ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== null && expected.includes(code)) resolve(code);
      else reject(new Error(`pytin ${args[0]} exited ${code}, expected ${expected.join(' or ')}`));
    });
  });
}

if (process.getuid?.() !== 0) {
  process.stderr.write('The demo brings up the lab (network namespaces, sshd, libvirtd): run it as root.\n');
  process.exit(1);
}
// The lab's hosts get new host keys every run: start from a clean .pytin (store, known_hosts),
// and from an empty backup node (its folders are the lab's own, under /var/tmp/pytin-lab).
rmSync(join(inventory, '.pytin'), { recursive: true, force: true });
rmSync('/var/tmp/pytin-lab', { recursive: true, force: true });
process.stdout.write('Starting the lab: 2 switches (snmpsim, recorded real devices), 2 hypervisors (sshd + libvirt test driver), a backup node with tc ...\n');
let lab: Awaited<ReturnType<typeof startLabEnvironment>>;
try {
  lab = await startLabEnvironment({ fixedAt: { inventoryRoot: inventory } });
} catch (error) {
  process.stderr.write(`The lab did not start: ${(error as Error).message}\n`);
  process.exit(1);
}
let failed = false;
try {
  const at = ['--path', 'examples/lab'];
  await step('validate the inventory at HEAD', ['validate', ...at], lab.env);
  await step('observe the switches and hosts (first contact: record their host keys)', ['observe', ...at, '--trust-new-hosts'], lab.env);
  await step('plan, saved for apply', ['plan', ...at, '--out', 'examples/lab/.pytin/demo.plan'], lab.env);
  await step('apply the saved plan', ['apply', ...at, 'examples/lab/.pytin/demo.plan'], lab.env);
  await step('plan again: nothing left to do (exit 0 with --detailed-exitcode)', ['plan', ...at, '--detailed-exitcode'], lab.env);
  process.stdout.write('\nThe demo ran: the lab matches examples/lab.\n');
} catch (error) {
  failed = true;
  process.stderr.write(`\nThe demo failed: ${(error as Error).message}\n`);
} finally {
  await lab.stop();
}
process.exitCode = failed ? 1 : 0;
