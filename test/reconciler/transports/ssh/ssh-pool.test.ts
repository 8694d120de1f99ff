import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { SshCommandTimeoutError, SshError } from '../../../../reconciler/transports/ssh/ssh-errors.js';
import { SshPool } from '../../../../reconciler/transports/ssh/ssh-pool.js';
import type { SshTarget } from '../../../../reconciler/transports/ssh/ssh-target.js';
import { freeTcpPort, makeTempDir, waitFor } from '../../../lab/daemon.js';
import { type LabSshd, startSshd } from '../../../lab/sshd.js';

let sshd: LabSshd;
let dir: { path: string; remove(): Promise<void> };
let knownHostsPath: string;

before(async () => {
  dir = await makeTempDir('ssh-pool');
  sshd = await startSshd();
  knownHostsPath = join(dir.path, 'known_hosts');
  await writeFile(knownHostsPath, `# pinned by the test\n${sshd.knownHostsLine}\n`);
});
after(async () => {
  await sshd?.stop();
  await dir?.remove();
});

const targetOf = (s: LabSshd, name = 'hv1'): SshTarget => ({ name, host: '127.0.0.1', port: s.port, user: s.user, privateKeyPath: s.clientKeyPath });

function withPool(t: { after(fn: () => Promise<void>): void }, options: Partial<ConstructorParameters<typeof SshPool>[0]> = {}): SshPool {
  const pool = new SshPool({ knownHostsPath, trustNewHosts: false, connectTimeoutMs: 5000, ...options });
  t.after(() => pool.close());
  return pool;
}

test('commands on one host share one SSH connection and report exit code, stdout and stderr', async (t) => {
  const pool = withPool(t);
  const host = pool.host(targetOf(sshd));
  const [a, b] = await Promise.all([host.exec('echo "$SSH_CONNECTION"'), host.exec('echo "$SSH_CONNECTION"')]);
  const c = await host.exec('echo "$SSH_CONNECTION"');
  assert.equal(a.exitCode, 0);
  assert.match(a.stdout, /^127\.0\.0\.1 \d+ 127\.0\.0\.1 \d+\n$/);
  assert.equal(a.stdout, b.stdout);
  assert.equal(a.stdout, c.stdout);
  const failed = await host.exec('echo out; echo err >&2; exit 3');
  assert.deepEqual(failed, { exitCode: 3, signal: null, stdout: 'out\n', stderr: 'err\n' });
});

test('stdin reaches the command', async (t) => {
  const pool = withPool(t);
  const result = await pool.exec(targetOf(sshd), 'wc -c; tr a-z A-Z', { stdin: 'hello' });
  assert.equal(result.stdout, '5\n');
  const echoed = await pool.exec(targetOf(sshd), 'tr a-z A-Z', { stdin: 'hello' });
  assert.equal(echoed.stdout, 'HELLO');
});

test('a command past its timeout is stopped and reported; the connection keeps working', async (t) => {
  const pool = withPool(t);
  const host = pool.host(targetOf(sshd));
  const before = (await host.exec('echo "$SSH_CONNECTION"')).stdout;
  const pidFile = join(dir.path, 'sleeper.pid');
  const started = Date.now();
  // The timeout is the subject; everything around it is generous, so a busy machine that starts
  // the remote shell slowly still has it print before the timeout, and the bound below only proves
  // the caller was not held until the command's own end (300 s).
  await assert.rejects(host.exec(`echo started; echo $$ > ${pidFile}; exec sleep 300`, { timeoutMs: 8000 }), (error: unknown) => {
    assert.ok(error instanceof SshCommandTimeoutError);
    assert.equal(error.retryable, true);
    assert.equal(error.stdout, 'started\n');
    assert.match(error.message, /did not finish within 8000 ms/);
    return true;
  });
  assert.ok(Date.now() - started < 120_000);
  assert.equal((await host.exec('echo "$SSH_CONNECTION"')).stdout, before);
  const pid = Number(await readFile(pidFile, 'utf8'));
  await waitFor('the timed-out remote command to be gone', () => !existsSync(`/proc/${pid}`), 60_000);
});

test('an unknown host key is refused with a hint to --trust-new-hosts, and the file is not written', async (t) => {
  const other = await startSshd();
  t.after(() => other.stop());
  const pool = withPool(t);
  const before = await readFile(knownHostsPath, 'utf8');
  await assert.rejects(pool.exec(targetOf(other, 'hv2'), 'true'), (error: unknown) => {
    assert.ok(error instanceof SshError);
    assert.equal(error.failure, 'host-key-unknown');
    assert.equal(error.retryable, false);
    assert.match(error.message, /--trust-new-hosts/);
    return true;
  });
  assert.equal(await readFile(knownHostsPath, 'utf8'), before);
  // Remembered: the second command does not open another connection to be refused again.
  const connections = async () => ((await readFile(join(other.hostKeyPath, '..', 'sshd.log'), 'utf8')).match(/Connection from /g) ?? []).length;
  const seen = await connections();
  assert.ok(seen >= 1);
  await assert.rejects(pool.exec(targetOf(other, 'hv2'), 'true'), /--trust-new-hosts/);
  // No sleep needed: a refusal for this key can only come after the handshake, and sshd logs the
  // connection before its handshake; so had the second command connected, the line would be there.
  assert.equal(await connections(), seen);
});

test('--trust-new-hosts records an unknown key in known_hosts, after which it is pinned', async (t) => {
  const other = await startSshd({ hostKeyType: 'ecdsa' });
  t.after(() => other.stop());
  const file = join(dir.path, 'trust_known_hosts');
  const trusting = new SshPool({ knownHostsPath: file, trustNewHosts: true });
  t.after(() => trusting.close());
  assert.equal((await trusting.exec(targetOf(other, 'hv2'), 'echo hi')).stdout, 'hi\n');
  assert.equal(await readFile(file, 'utf8'), `${other.knownHostsLine}\n`);
  const strict = new SshPool({ knownHostsPath: file, trustNewHosts: false });
  t.after(() => strict.close());
  assert.equal((await strict.exec(targetOf(other, 'hv2'), 'echo again')).stdout, 'again\n');
});

test('a changed host key is refused even with --trust-new-hosts, naming both fingerprints', async (t) => {
  const keys = await makeTempDir('ssh-keys');
  t.after(() => keys.remove());
  const { generateKey } = await import('../../../lab/sshd.js');
  const clientKeyPath = join(keys.path, 'client');
  await generateKey(clientKeyPath);
  const first = await startSshd({ clientKeyPath });
  const file = join(dir.path, 'changed_known_hosts');
  await writeFile(file, `${first.knownHostsLine}\n`);
  const port = first.port;
  const oldFingerprint = await fingerprintOf(`${first.hostKeyPath}.pub`);
  await first.stop();
  const second = await startSshd({ clientKeyPath, port });
  t.after(() => second.stop());
  const newFingerprint = await fingerprintOf(`${second.hostKeyPath}.pub`);
  assert.notEqual(oldFingerprint, newFingerprint);
  const pool = withPool(t, { knownHostsPath: file, trustNewHosts: true });
  await assert.rejects(pool.exec(targetOf(second), 'true'), (error: unknown) => {
    assert.ok(error instanceof SshError);
    assert.equal(error.failure, 'host-key-changed');
    assert.ok(error.message.includes(oldFingerprint), error.message);
    assert.ok(error.message.includes(newFingerprint), error.message);
    return true;
  });
  assert.equal(await readFile(file, 'utf8'), `${first.knownHostsLine}\n`);
});

test('a hashed known_hosts (ssh-keygen -H) pins the host too', async (t) => {
  const file = join(dir.path, 'hashed_known_hosts');
  await writeFile(file, `${sshd.knownHostsLine}\n`);
  const { execFileSync } = await import('node:child_process');
  execFileSync('/usr/bin/ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
  assert.match(await readFile(file, 'utf8'), /^\|1\|/);
  const pool = withPool(t, { knownHostsPath: file });
  assert.equal((await pool.exec(targetOf(sshd), 'echo ok')).exitCode, 0);
});

test('a port with no SSH server is a retryable "connection refused"', async (t) => {
  const pool = withPool(t);
  const port = await freeTcpPort();
  await assert.rejects(pool.exec({ ...targetOf(sshd), port }, 'true'), (error: unknown) => {
    assert.ok(error instanceof SshError);
    assert.equal(error.failure, 'refused');
    assert.equal(error.retryable, true);
    assert.match(error.message, new RegExp(`hv1 \\(.*@127\\.0\\.0\\.1:${port}\\): connection refused`));
    return true;
  });
});

test('a key the server does not accept is "authentication failed", not retryable', async (t) => {
  const keys = await makeTempDir('ssh-wrong-key');
  t.after(() => keys.remove());
  const { generateKey } = await import('../../../lab/sshd.js');
  const wrongKey = join(keys.path, 'wrong');
  await generateKey(wrongKey);
  const pool = withPool(t);
  await assert.rejects(pool.exec({ ...targetOf(sshd), privateKeyPath: wrongKey }, 'true'), (error: unknown) => {
    assert.ok(error instanceof SshError);
    assert.equal(error.failure, 'auth-failed');
    assert.equal(error.retryable, false);
    return true;
  });
});

test('a server that never answers the handshake hits the connect timeout', async (t) => {
  const sockets: Socket[] = [];
  const silent: Server = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  t.after(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });
  const address = silent.address();
  assert.ok(address && typeof address === 'object');
  const pool = withPool(t, { connectTimeoutMs: 500 });
  const started = Date.now();
  await assert.rejects(pool.exec({ ...targetOf(sshd), port: address.port }, 'true'), (error: unknown) => {
    assert.ok(error instanceof SshError);
    assert.equal(error.failure, 'connect-timeout');
    return true;
  });
  assert.ok(Date.now() - started < 4000);
});

test('after the server restarts, the next command reconnects', async (t) => {
  const keys = await makeTempDir('ssh-restart');
  t.after(() => keys.remove());
  const { generateKey } = await import('../../../lab/sshd.js');
  const clientKeyPath = join(keys.path, 'client');
  const hostKeyPath = join(keys.path, 'host');
  await generateKey(clientKeyPath);
  await generateKey(hostKeyPath);
  const first = await startSshd({ clientKeyPath, hostKeyPath });
  const file = join(dir.path, 'restart_known_hosts');
  await writeFile(file, `${first.knownHostsLine}\n`);
  const pool = withPool(t, { knownHostsPath: file });
  const target = targetOf(first);
  const before = (await pool.exec(target, 'echo "$SSH_CONNECTION"')).stdout;
  await first.stop();
  const second = await startSshd({ clientKeyPath, hostKeyPath, port: first.port });
  t.after(() => second.stop());
  // The old connection may still look open until the client notices the close; allow one miss.
  let after: string | undefined;
  for (let attempt = 0; attempt < 3 && after === undefined; attempt++) {
    after = await pool.exec(target, 'echo "$SSH_CONNECTION"').then(
      (r) => r.stdout,
      () => undefined,
    );
  }
  assert.ok(after);
  assert.notEqual(after, before);
});

async function fingerprintOf(pubPath: string): Promise<string> {
  const { execFileSync } = await import('node:child_process');
  return execFileSync('/usr/bin/ssh-keygen', ['-lf', pubPath]).toString().split(' ')[1]!;
}

test('on a host without coreutils timeout, a stuck command is abandoned and the connection reset', async (t) => {
  const bin = await makeTempDir('ssh-nobin');
  t.after(() => bin.remove());
  const { symlink } = await import('node:fs/promises');
  await symlink('/usr/bin/sleep', join(bin.path, 'sleep'));
  const bare = await startSshd({ commandPrefix: `/usr/bin/env PATH=${bin.path}` });
  t.after(() => bare.stop());
  const pool = withPool(t, { knownHostsPath: join(dir.path, 'bare_known_hosts'), trustNewHosts: true });
  const target = targetOf(bare, 'bare');
  const before = (await pool.exec(target, 'echo "$SSH_CONNECTION"')).stdout;
  const started = Date.now();
  // Nothing on that host can end the command; the test ends it by the PID it wrote.
  const pidFile = join(dir.path, 'stuck.pid');
  t.after(async () => {
    const pid = Number(await readFile(pidFile, 'utf8').catch(() => '0'));
    if (pid > 0 && existsSync(`/proc/${pid}`)) process.kill(pid, 'SIGKILL');
  });
  await assert.rejects(pool.exec(target, `echo $$ > ${pidFile}; exec sleep 300`, { timeoutMs: 5000 }), SshCommandTimeoutError);
  assert.ok(Date.now() - started < 120_000, 'the caller is not held until the command ends (300 s)');
  const after = (await pool.exec(target, 'echo "$SSH_CONNECTION"')).stdout;
  assert.match(after, /^127\.0\.0\.1 /);
  assert.notEqual(after, before);
});

test('a host that goes down while a command runs is a retryable "connection lost", not an exit code', async (t) => {
  const keys = await makeTempDir('ssh-lost');
  t.after(() => keys.remove());
  const { generateKey } = await import('../../../lab/sshd.js');
  const clientKeyPath = join(keys.path, 'client');
  await generateKey(clientKeyPath);
  const doomed = await startSshd({ clientKeyPath });
  t.after(() => doomed.stop());
  const pool = withPool(t, { knownHostsPath: join(keys.path, 'known_hosts'), trustNewHosts: true });
  const pidFile = join(keys.path, 'running.pid');
  const running = pool.exec(targetOf(doomed, 'doomed'), `echo $$ > ${pidFile}; exec sleep 300`, { timeoutMs: 600_000 });
  const outcome = running.then(
    () => assert.fail('the command should not have succeeded'),
    (error: unknown) => error,
  );
  // The event, not the clock: the command runs once it wrote its PID.
  await waitFor('the remote command to start', () => existsSync(pidFile), 60_000);
  t.after(async () => {
    const pid = Number(await readFile(pidFile, 'utf8').catch(() => '0'));
    if (pid > 0 && existsSync(`/proc/${pid}`)) process.kill(pid, 'SIGKILL');
  });
  const started = Date.now();
  await doomed.stop();
  const error = await outcome;
  assert.ok(error instanceof SshError, String(error));
  assert.equal(error.failure, 'disconnected');
  assert.equal(error.retryable, true);
  assert.match(error.message, /connection was lost while "echo \$\$ > .*running\.pid; exec sleep 300" ran/);
  assert.ok(Date.now() - started < 120_000, 'not held until the command ends (300 s)');
});
