import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { access, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';

import { TransportError } from '../../../../inventory/core/errors.js';
import { applyShaping } from '../../../../reconciler/drivers/bandwidth/apply-shaping.js';
import { compileShaping, shapingDevices, type ShapingSpec } from '../../../../reconciler/drivers/bandwidth/compile-shaping.js';
import { planShaping } from '../../../../reconciler/drivers/bandwidth/plan-shaping.js';
import { readShaping, type TcObserved } from '../../../../reconciler/drivers/bandwidth/read-shaping.js';
import { readTcFacts } from '../../../../reconciler/drivers/bandwidth/read-tc.js';
import type { Change } from '../../../../reconciler/plan/change.js';
import type { CommandOptions, CommandResult, CommandRunner } from '../../../../reconciler/transports/command-runner.js';
import { waitFor } from '../../../lab/daemon.js';
import { createTcLab, type TcLab } from '../../../lab/tc-namespaces.js';
import { type WrappedTc, wrapTc } from '../../../lab/tc-wrapper.js';
import { errorOf, hostContext } from '../../../support/apply-context.js';

// The failure paths of a tc apply on a real kernel: the real tc in a network namespace, wrapped
// (test/lab/tc-wrapper.ts) to fail at a chosen call. What the host ends with is read with tc
// itself, not taken from pytin's outcome.

const run = promisify(execFile);
const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function setUp(): Promise<{ lab: TcLab; tc: WrappedTc }> {
  const lab = await createTcLab();
  cleanups.push(() => lab.remove());
  const tc = await wrapTc(lab.host);
  cleanups.push(() => tc.remove());
  return { lab, tc };
}

const limit = (ip: string, inbound?: string, outbound?: string) => ({
  ip,
  bandwidth: { ...(inbound ? { inbound } : {}), ...(outbound ? { outbound } : {}) },
});

async function observe(lab: TcLab, shaping: ShapingSpec): Promise<TcObserved> {
  const facts = await readTcFacts(lab.hostRunner, shapingDevices(shaping));
  assert.equal(typeof facts, 'object', String(facts));
  return readShaping(facts as Exclude<typeof facts, string>);
}

async function planOne(lab: TcLab, shaping: ShapingSpec): Promise<Change> {
  const observed = await observe(lab, shaping);
  const plan = planShaping(compileShaping('shared-01', shaping, observed), observed);
  assert.equal(plan.changes.length, 1, JSON.stringify(plan.diagnostics));
  return plan.changes[0]!;
}

/** The classes (handle and rate) and root qdiscs of the shaped interface and its ifb, as tc
 * prints them: what the guest's traffic meets. */
async function shapingOnHost(lab: TcLab): Promise<string[]> {
  const lines: string[] = [];
  for (const dev of [lab.shaped, `ifb-${lab.shaped}`]) {
    const qdiscs = JSON.parse((await run('tc', ['-n', lab.host, '-j', 'qdisc', 'show', 'dev', dev])).stdout) as Array<{ kind: string; handle: string }>;
    lines.push(...qdiscs.map((q) => `${dev} qdisc ${q.kind} ${q.handle}`));
    const classes = (await run('tc', ['-n', lab.host, 'class', 'show', 'dev', dev])).stdout.split('\n').filter((l) => l.startsWith('class '));
    lines.push(...classes.map((c) => `${dev} class ${c.split(' ')[2]} ${/ rate (\S+)/.exec(c)?.[1]}`));
  }
  return lines.sort();
}

const FIRST: (lab: TcLab) => ShapingSpec = (lab) => ({
  interfaces: [lab.shaped],
  limits: [limit(lab.guestIp, '10Mbit', '10Mbit'), limit(lab.guestIp6, '7Mbit')],
});
const SECOND: (lab: TcLab) => ShapingSpec = (lab) => ({
  interfaces: [lab.shaped],
  limits: [limit(lab.guestIp, '20Mbit'), limit('10.250.0.7', '1Mbit', '1Mbit')],
});

/** The lab shaped as FIRST, applied through the plain runner. */
async function shapedLab(): Promise<{ lab: TcLab; tc: WrappedTc; previous: string[] }> {
  const { lab, tc } = await setUp();
  const first = await applyShaping(await planOne(lab, FIRST(lab)), hostContext(lab.hostRunner));
  assert.equal(first.ok, true, errorOf(first));
  return { lab, tc, previous: await shapingOnHost(lab) };
}

/** Passes commands to the host until the staged batch's job is running, then drops the
 * "connection" as sshd would: the whole foreground process group of that command is killed, and
 * every later command fails to reach the host. */
class DroppingRunner implements CommandRunner {
  stageDir: string | null = null;
  dropped = false;
  constructor(
    private readonly inner: CommandRunner,
    private readonly tc: WrappedTc,
  ) {}
  get host(): string {
    return this.inner.host;
  }
  async run(command: string, options: CommandOptions = {}): Promise<CommandResult> {
    if (this.dropped) throw new TransportError(`${this.host}: connection lost`, true);
    if (!command.includes('setsid -w')) {
      const result = await this.inner.run(command, options);
      if (command.includes('mktemp -d')) this.stageDir = result.stdout.trim();
      return result;
    }
    const child = spawn(this.tc.prefix[0]!, [...this.tc.prefix.slice(1), '/bin/sh', '-c', command], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.stdin ?? '');
    // The job is running (the wrapper holds it before tc reads the batch): cut the connection.
    await waitFor('the staged batch to start on the host', () => access(join(this.tc.dir, 'held')).then(() => true));
    process.kill(-child.pid!, 'SIGKILL');
    await exited;
    this.dropped = true;
    throw new TransportError(`${this.host}: connection lost`, true);
  }
}

test('a connection lost while the batch runs: the host still restores the previous tree by itself', async () => {
  const { lab, tc, previous } = await shapedLab();
  await tc.holdBatch();
  await tc.breakBatch();
  const runner = new DroppingRunner(tc.runner, tc);
  const outcome = await applyShaping(await planOne(lab, SECOND(lab)), hostContext(runner));
  assert.equal(runner.dropped, true);
  assert.equal(outcome.ok, false);
  assert.match(errorOf(outcome)!, /^APPLY_TC_OUTCOME_UNKNOWN: .*connection lost; the host finishes the batch on its own/);

  // Nobody is connected any more: let the held job go on, and wait for it to say it ended.
  const stageDir = runner.stageDir!;
  cleanups.push(() => rm(stageDir, { recursive: true, force: true }));
  await writeFile(join(tc.dir, 'release'), '');
  await waitFor('the host-side job to end', () => access(join(stageDir, 'done')).then(() => true), { timeoutMs: 60_000 });
  assert.equal((await run('cat', [join(stageDir, 'done')])).stdout.trim(), '91', 'the batch failed and the restore ran');
  assert.deepEqual(await shapingOnHost(lab), previous);
  // The staged files are gone with the job; only its status and log stay for whoever looks.
  await assert.rejects(access(join(stageDir, 'batch')));
  await assert.rejects(access(join(stageDir, 'restore')));
  // The next apply on the host, over a sound connection, converges and clears the finished folder.
  const next = await applyShaping(await planOne(lab, SECOND(lab)), hostContext(tc.runner));
  assert.equal(next.ok, true, errorOf(next));
  await assert.rejects(access(stageDir));
});

test('a batch whose restore fails on the host, and again from pytin, is APPLY_TC_ROLLBACK_FAILED with the tree as it is', async () => {
  const { lab, tc, previous } = await shapedLab();
  await tc.breakBatch();
  await tc.refuseRestores(2);
  const outcome = await applyShaping(await planOne(lab, SECOND(lab)), hostContext(tc.runner));
  assert.equal(outcome.ok, false);
  assert.match(errorOf(outcome)!, /^APPLY_TC_ROLLBACK_FAILED: the batch failed [\s\S]*; the restored tree still differs: /);
  // Every line of pytin's batch ran (the refused one came last) and nothing undid them: the host
  // has the second shaping, and the outcome's state says so rather than what was hoped for.
  assert.notDeepEqual(await shapingOnHost(lab), previous);
  assert.ok((await shapingOnHost(lab)).some((l) => / 20Mbit$/.test(l)));
  assert.equal((outcome.state as Record<string, { inbound: string }>)[lab.guestIp]!.inbound, '20Mbit');
});

test('a tree that cannot be read back after the batch is APPLY_TC_READ_FAILED', async () => {
  const { lab, tc } = await shapedLab();
  await tc.refuseReadsAfterBatch(1);
  const outcome = await applyShaping(await planOne(lab, SECOND(lab)), hostContext(tc.runner));
  assert.equal(outcome.ok, false);
  assert.match(errorOf(outcome)!, /^APPLY_TC_READ_FAILED: the batch ran but reading back failed: .*listing refused/);
  // The batch did run: the host has the second shaping.
  assert.ok((await shapingOnHost(lab)).some((l) => / 20Mbit$/.test(l)));
});

test('a tree changed by someone else between the batch and its read-back is APPLY_TC_NOT_CONVERGED', async () => {
  const { lab, tc } = await shapedLab();
  const change = await planOne(lab, SECOND(lab));
  const classid = (change.after as Record<string, { classid: string }>)[lab.guestIp]!.classid;
  await tc.changeAfterBatch(`class change dev ${lab.shaped} parent 7079: classid ${classid} htb rate 3mbit ceil 3mbit`);
  const outcome = await applyShaping(change, hostContext(tc.runner));
  assert.equal(outcome.ok, false);
  assert.match(errorOf(outcome)!, /^APPLY_TC_NOT_CONVERGED: /);
  assert.ok((await shapingOnHost(lab)).includes(`${lab.shaped} class ${classid} 3Mbit`));
});

/** Sends the staged batch cut short, as a connection that breaks mid-transfer would leave it
 * (the rest of the session still answering, as after a reconnect). */
class TruncatingRunner implements CommandRunner {
  constructor(private readonly inner: CommandRunner) {}
  get host(): string {
    return this.inner.host;
  }
  run(command: string, options: CommandOptions = {}): Promise<CommandResult> {
    if (!command.includes('setsid -w') || !options.stdin) return this.inner.run(command, options);
    return this.inner.run(command, { ...options, stdin: options.stdin.slice(0, Math.floor(options.stdin.length / 2)) });
  }
}

test('a batch that reaches the host cut short is not run at all', async () => {
  const { lab, tc, previous } = await shapedLab();
  const outcome = await applyShaping(await planOne(lab, SECOND(lab)), hostContext(new TruncatingRunner(tc.runner)));
  assert.equal(outcome.ok, false);
  assert.match(errorOf(outcome)!, /^APPLY_TC_BATCH_FAILED: the batch was not run; the tree is as it was: .*did not arrive whole/);
  assert.deepEqual(await shapingOnHost(lab), previous);
});
