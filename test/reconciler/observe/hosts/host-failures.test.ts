import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import { promisify } from 'node:util';

import type { DomainFacts } from '../../../../reconciler/drivers/kvm/domain-facts.js';
import { domainsProbe } from '../../../../reconciler/drivers/kvm/observe-domains.js';
import type { HostObservation } from '../../../../reconciler/observe/hosts/host-observation.js';
import { observeHost } from '../../../../reconciler/observe/hosts/observe-host.js';
import { SshPool } from '../../../../reconciler/transports/ssh/ssh-pool.js';
import type { SshTarget } from '../../../../reconciler/transports/ssh/ssh-target.js';
import { makeTempDir } from '../../../lab/daemon.js';
import { type FaultyVirsh, installFaultyVirsh } from '../../../lab/faulty-virsh.js';
import { writeTestDriverNode } from '../../../lab/libvirt-test-driver.js';
import { generateKey, type LabSshd, startSshd } from '../../../lab/sshd.js';
import { DB_01, WEB_01 } from '../../drivers/kvm/fixtures/lab-domains.js';

const run = promisify(execFile);

// How a host can refuse pytin or answer it wrongly, each produced by a real sshd (and, behind it,
// the real virsh wrapped by a small script that fails on the call a test chooses). Each test
// asserts the code and what it left: which facts are unknown, whether any command ran on the
// host, whether known_hosts was touched.

let dir: { path: string; remove(): Promise<void> };
let sshd: LabSshd;
let virsh: FaultyVirsh;
let uri: string;
/** Every command the host ran, one a line, written by the host's ForceCommand prefix. */
let ranLog: string;

before(async () => {
  dir = await makeTempDir('host-failures');
  uri = (await writeTestDriverNode(dir.path, [WEB_01, DB_01])).uri;
  virsh = await installFaultyVirsh(dir.path);
  ranLog = join(dir.path, 'ran.log');
  const recorder = join(dir.path, 'record-command');
  await writeFile(recorder, '#!/bin/sh\nlog=$1; shift\nprintf "%s\\n" "$SSH_ORIGINAL_COMMAND" >> "$log"\nexec "$@"\n', { mode: 0o755 });
  sshd = await startSshd({ commandPrefix: `${recorder} ${ranLog} /usr/bin/env PATH=${virsh.bin}:/usr/sbin:/usr/bin:/sbin:/bin` });
});
after(async () => {
  await sshd?.stop();
  await dir?.remove();
});

function target(overrides: Partial<SshTarget> = {}): SshTarget {
  return { name: 'hv-01', host: '127.0.0.1', port: sshd.port, user: sshd.user, privateKeyPath: sshd.clientKeyPath, ...overrides };
}

/** A pool of its own for each test (a refused host stays refused in its pool), closed after. */
async function observeWith(
  t: TestContext,
  options: { knownHosts?: string; trustNewHosts?: boolean; target?: Partial<SshTarget>; commandTimeoutMs?: number } = {},
): Promise<HostObservation> {
  const knownHostsPath = join(dir.path, `known_hosts-${Math.random().toString(36).slice(2)}`);
  if (options.knownHosts !== undefined) await writeFile(knownHostsPath, options.knownHosts);
  const pool = new SshPool({ knownHostsPath, trustNewHosts: options.trustNewHosts ?? false, connectTimeoutMs: 30_000 });
  t.after(() => pool.close());
  return observeHost(target(options.target), [domainsProbe(uri)], {
    pool,
    ...(options.commandTimeoutMs ? { commandTimeoutMs: options.commandTimeoutMs } : {}),
  });
}

const commandsRan = async () => (await readFile(ranLog, 'utf8').catch(() => '')).split('\n').filter(Boolean).length;
const domainNames = (o: HostObservation) => (o.facts.get('domains') as DomainFacts[] | null)?.map((d) => d.name) ?? null;
const codes = (o: HostObservation) => o.diagnostics.map((d) => d.code);

describe('a host that refuses pytin: one diagnostic, nothing run, no facts', () => {
  test('the check itself: a host that accepts pytin runs its commands and records them', async (t) => {
    const before = await commandsRan();
    const facts = await observeWith(t, { knownHosts: `${sshd.knownHostsLine}\n` });
    assert.deepEqual(facts.diagnostics, []);
    assert.deepEqual(domainNames(facts), ['db-01', 'web-01']);
    assert.ok((await commandsRan()) >= before + 2, 'basics and domains ran on the host');
  });

  test("a host whose authorized_keys lacks pytin's key is OBS_HOST_AUTH_FAILED", async (t) => {
    const otherKey = join(dir.path, 'not-authorized');
    await generateKey(otherKey);
    const before = await commandsRan();
    const facts = await observeWith(t, { knownHosts: `${sshd.knownHostsLine}\n`, target: { privateKeyPath: otherKey } });
    assert.deepEqual(codes(facts), ['OBS_HOST_AUTH_FAILED']);
    assert.match(facts.diagnostics[0]!.summary, /authentication failed \(the server refused the private key\)/);
    assert.deepEqual([facts.basics, domainNames(facts)], [null, null]);
    assert.equal(await commandsRan(), before, 'no command ran on the host');
  });

  test('a host key marked @revoked in known_hosts is OBS_HOST_KEY_REVOKED, even with --trust-new-hosts', async (t) => {
    const knownHosts = `@revoked ${sshd.knownHostsLine}\n`;
    const before = await commandsRan();
    const facts = await observeWith(t, { knownHosts, trustNewHosts: true });
    assert.deepEqual(codes(facts), ['OBS_HOST_KEY_REVOKED']);
    assert.match(facts.diagnostics[0]!.summary, /host key SHA256:\S+ is marked @revoked in /);
    assert.deepEqual([facts.basics, domainNames(facts)], [null, null]);
    assert.equal(await commandsRan(), before, 'no command ran on the host');
  });

  test('a host key other than the pinned one is OBS_HOST_KEY_CHANGED; known_hosts is left as it was', async (t) => {
    const impostorKey = join(dir.path, 'pinned-host-key');
    await generateKey(impostorKey);
    const [type, base64] = (await readFile(`${impostorKey}.pub`, 'utf8')).trim().split(/\s+/);
    const knownHosts = `[127.0.0.1]:${sshd.port} ${type} ${base64}\n`;
    const knownHostsPath = join(dir.path, 'changed_known_hosts');
    await writeFile(knownHostsPath, knownHosts);
    const pool = new SshPool({ knownHostsPath, trustNewHosts: true, connectTimeoutMs: 30_000 });
    t.after(() => pool.close());
    const before = await commandsRan();
    const facts = await observeHost(target(), [domainsProbe(uri)], { pool });
    assert.deepEqual(codes(facts), ['OBS_HOST_KEY_CHANGED']);
    assert.match(facts.diagnostics[0]!.summary, /HOST KEY CHANGED/);
    assert.deepEqual([facts.basics, domainNames(facts)], [null, null]);
    assert.equal(await commandsRan(), before, 'no command ran on the host');
    assert.equal(await readFile(knownHostsPath, 'utf8'), knownHosts, '--trust-new-hosts did not replace the pinned key');
  });

  test('a private key file that is not a key is OBS_HOST_PRIVATE_KEY_UNREADABLE (not a crash)', async (t) => {
    const notAKey = join(dir.path, 'id_ed25519');
    await writeFile(notAKey, 'this file was overwritten by a careless copy\n', { mode: 0o600 });
    const before = await commandsRan();
    const facts = await observeWith(t, { knownHosts: `${sshd.knownHostsLine}\n`, target: { privateKeyPath: notAKey } });
    assert.deepEqual(codes(facts), ['OBS_HOST_PRIVATE_KEY_UNREADABLE']);
    assert.match(facts.diagnostics[0]!.summary, /the private key \S+id_ed25519 cannot be used: Unsupported key format/);
    assert.deepEqual([facts.basics, domainNames(facts)], [null, null]);
    // A key with a passphrase (pytin has no way to ask for it) is refused the same way.
    const encrypted = join(dir.path, 'id_encrypted');
    await run('/usr/bin/ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'a passphrase', '-f', encrypted]);
    const withPassphrase = await observeWith(t, { knownHosts: `${sshd.knownHostsLine}\n`, target: { privateKeyPath: encrypted } });
    assert.deepEqual(codes(withPassphrase), ['OBS_HOST_PRIVATE_KEY_UNREADABLE']);
    assert.match(withPassphrase.diagnostics[0]!.summary, /no passphrase given/);
    assert.equal(await commandsRan(), before, 'no command ran on the host');
  });
});

describe("a hypervisor whose virsh fails: that fact is unknown, the host's other facts are kept", () => {
  after(() => virsh.set({ kind: 'none' }));

  test('a virsh that never answers is OBS_HOST_COMMAND_TIMEOUT; the basics of the host are still observed', async (t) => {
    await virsh.set({ kind: 'hang' });
    // The timeout is the subject: 8 s is far more than the basics (under the same timeout) need even
    // on a loaded machine.
    const facts = await observeWith(t, { knownHosts: `${sshd.knownHostsLine}\n`, commandTimeoutMs: 8000 });
    assert.deepEqual(codes(facts), ['OBS_HOST_COMMAND_TIMEOUT']);
    assert.match(facts.diagnostics[0]!.summary, /^domains: [\s\S]*did not finish within 8000 ms; stopped/);
    assert.equal(domainNames(facts), null);
    assert.ok(facts.basics, 'the basics were observed');
  });

  test("a virsh that prints a broken definition is OBS_HOST_OUTPUT_UNPARSABLE and the hypervisor's domains are unknown", async (t) => {
    await virsh.set({ kind: 'truncate-xml' });
    const facts = await observeWith(t, { knownHosts: `${sshd.knownHostsLine}\n` });
    assert.deepEqual(codes(facts), ['OBS_HOST_OUTPUT_UNPARSABLE']);
    assert.match(facts.diagnostics[0]!.summary, /^domains: the definition of 0b5a7a52-1d4e-4b3c-9c56-0a2f5f0c000\d could not be read/);
    // Not a partial list that a plan would read as "the other domains are gone".
    assert.equal(domainNames(facts), null);
    assert.ok(facts.basics);
  });

  test('a domain undefined between list and dumpxml is an OBS_HOST_DOMAIN_VANISHED warning; the others are observed', async (t) => {
    const later = await makeTempDir('host-failures-later');
    t.after(() => later.remove());
    const node = (await writeTestDriverNode(dir.path, [WEB_01, DB_01])).path;
    // db-01 (uuid ...0002) is listed last: virsh's batch status is its last command's, which once
    // turned this warning into the loss of every domain of the host (every-domain.ts).
    const withoutDb = (await writeTestDriverNode(later.path, [WEB_01])).path;
    await virsh.set({ kind: 'undefine-after-list', nodeFile: node, replacement: withoutDb });
    const facts = await observeWith(t, { knownHosts: `${sshd.knownHostsLine}\n` });
    assert.deepEqual(
      facts.diagnostics.map((d) => [d.severity, d.code]),
      [['warning', 'OBS_HOST_DOMAIN_VANISHED']],
    );
    assert.equal(facts.diagnostics[0]!.summary, 'domain 0b5a7a52-1d4e-4b3c-9c56-0a2f5f0c0002 was listed but could not be read (undefined meanwhile?)');
    assert.deepEqual(domainNames(facts), ['web-01']);
    // The hypervisor really lost it: a fresh connection lists web-01 alone.
    await virsh.set({ kind: 'none' });
    const again = await observeWith(t, { knownHosts: `${sshd.knownHostsLine}\n` });
    assert.deepEqual(again.diagnostics, []);
    assert.deepEqual(domainNames(again), ['web-01']);
  });
});
