import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { netSnmp } from '../../../reconciler/transports/snmp/net-snmp-library.js';

const OBSERVATION_LIBRARIES = ['ssh2', 'net-snmp', 'saxes'];

/** The observation libraries a fresh process has loaded after importing `modules` (and running `then`). */
function librariesLoadedBy(modules: readonly string[], then = ''): string[] {
  const script = `
    import { createRequire } from 'node:module';
    ${modules.map((m, i) => `const m${i} = await import(${JSON.stringify(m)});`).join('\n')}
    ${then}
    const loaded = Object.keys(createRequire(import.meta.url).cache);
    const names = ${JSON.stringify(OBSERVATION_LIBRARIES)}.filter((name) => loaded.some((path) => path.includes('/node_modules/' + name + '/')));
    process.stdout.write(JSON.stringify(names));`;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })) as string[];
}

const built = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));

test('loading the plan command (every driver) loads no observation library: a plan without --refresh talks to no host', () => {
  assert.deepEqual(librariesLoadedBy([built('reconciler/cli/commands/plan.js')]), []);
});

test('an observation library is loaded on first use, once', () => {
  // Positive control of the check above: the same probe sees net-snmp once a session is created.
  assert.deepEqual(
    librariesLoadedBy(
      [built('reconciler/transports/snmp/snmp-session.js')],
      `m0.openSession({ version: '2c', host: '127.0.0.1', port: 9, community: 'public', timeoutMs: 10, retries: 0 }).close();`,
    ),
    ['net-snmp'],
  );
  assert.equal(netSnmp(), netSnmp());
  assert.equal(typeof netSnmp().createSession, 'function');
});
