// pytin's main job on the bundled lab (npm run demo): bring up the lab's hosts on loopback and in
// a network namespace, then validate, observe, plan, apply, and plan again against them, with the
// inventory examples/lab as committed at HEAD; then serve the read-only API on the result and make
// a few requests billing would make. Needs root (namespaces, sshd); the Debian packages
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

/** Runs pytin and returns its standard output (the token is printed there, once). */
function output(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [pytin, ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`pytin ${args.join(' ')} exited ${code}`))));
  });
}

/** The end of the main job: the read-only API on the lab's result, and a few requests billing
 * would make, each printed as a ready-to-run curl line with its answer. */
async function serveTheApi(at: string[], env: NodeJS.ProcessEnv): Promise<void> {
  process.stdout.write('\n== serve the read-only API for billing\n$ pytin token create --name billing\n');
  const token = (await output(['token', 'create', ...at, '--name', 'billing'], env)).trim();
  process.stdout.write(`${token}\n$ pytin serve --port 0\n`);
  const server = spawn(process.execPath, [pytin, 'serve', ...at, '--port', '0'], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  try {
    const base = await new Promise<string>((resolve, reject) => {
      let err = '';
      server.stderr.on('data', (chunk: Buffer) => {
        err += chunk.toString('utf8');
        const m = /listening on (http:\/\/[^\s]+)/.exec(err);
        if (m) resolve(m[1]!);
      });
      server.once('exit', (code) => reject(new Error(`pytin serve exited ${code}: ${err}`)));
    });
    process.stdout.write(`listening on ${base}\n`);
    const examples = [
      '/v1/health',
      '/v1/tenants',
      '/v1/pools?limit=1',
      '/v1/ip-addresses?address=203.0.113.10',
      '/v1/ip-addresses?status=free&pool=lab1-public&limit=2',
      '/v1/ip-addresses?status=seen-unallocated&limit=1',
      '/v1/vms?tenant=globex&limit=1',
    ];
    for (const path of examples) {
      const auth = path === '/v1/health' ? '' : ` -H "Authorization: Bearer ${token}"`;
      process.stdout.write(`\n$ curl -s${auth} '${base}${path}'\n`);
      const res = await fetch(`${base}${path}`, { headers: path === '/v1/health' ? {} : { authorization: `Bearer ${token}` } });
      const text = JSON.stringify(await res.json(), null, 2).split('\n');
      process.stdout.write(
        `HTTP ${res.status}, X-Pytin-Revision: ${res.headers.get('x-pytin-revision')}\n${text.slice(0, 40).join('\n')}${text.length > 40 ? `\n... (${text.length - 40} more lines)` : ''}\n`,
      );
    }
    process.stdout.write(`\n$ curl -s -X DELETE '${base}/v1/vms'\n`);
    const refused = await fetch(`${base}/v1/vms`, { method: 'DELETE' });
    process.stdout.write(`HTTP ${refused.status}, Allow: ${refused.headers.get('allow')}\n${await refused.text()}\n`);
    process.stdout.write(`\nThe API documents itself: ${base}/v1/openapi.json (OpenAPI 3.1) and ${base}/v1/docs.\n`);
  } finally {
    server.kill('SIGTERM');
    if (server.exitCode === null) await new Promise((r) => server.once('exit', r));
  }
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
  await step('whose is this address, and where was it last seen?', ['show', ...at, 'ip/203.0.113.10'], lab.env);
  await serveTheApi(at, lab.env);
  process.stdout.write('\nThe demo ran: the lab matches examples/lab, and billing can read it.\n');
} catch (error) {
  failed = true;
  process.stderr.write(`\nThe demo failed: ${(error as Error).message}\n`);
} finally {
  await lab.stop();
}
process.exitCode = failed ? 1 : 0;
