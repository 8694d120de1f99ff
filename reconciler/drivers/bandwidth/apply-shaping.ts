import type { Diagnostic } from '../../../inventory/core/diagnostic.js';
import { TransportError } from '../../../inventory/core/errors.js';
import type { JsonValue } from '../../../inventory/core/json-value.js';
import type { Change } from '../../plan/change.js';
import { type CommandRunner, shellQuote } from '../../transports/command-runner.js';
import { type ApplyContext, type ApplyOutcome, failedOutcome, hostRunner } from '../driver.js';
import type { BandwidthCode } from './bandwidth-codes.js';
import { observedDevice, readShaping, type TcObserved } from './read-shaping.js';
import { readTcFacts } from './read-tc.js';
import { restoreBatch } from './restore-batch.js';
import { addressesFromState, stateFromTrees, treesFor } from './shaping-state.js';
import { runStagedBatch } from './staged-batch.js';
import { shapingBatch } from './tc-batch.js';
import { ifbName } from './tc-handles.js';
import { isEmptyTree, type TcDeviceTree, treeDifferences } from './tc-tree.js';
import { tcDevice } from './tc-words.js';

/** The trees of the devices, or why they could not be read (a lost connection included). */
async function observe(runner: CommandRunner, devices: readonly string[]): Promise<TcObserved | string> {
  try {
    const facts = await readTcFacts(runner, devices);
    return typeof facts === 'string' ? facts : readShaping(facts);
  } catch (error) {
    if (error instanceof TransportError) return error.message;
    throw error;
  }
}

/** Runs a batch. A transport failure while it runs (a timeout kills tc partway) is a failed batch
 * like any other: the caller restores the previous trees if the host can still be reached. */
async function runBatch(runner: CommandRunner, lines: readonly string[], force: boolean): Promise<{ ok: boolean; text: string }> {
  try {
    const result = await runner.run(`tc ${force ? '-force ' : ''}-batch -`, { stdin: lines.join('\n') + '\n', timeoutMs: 120_000 });
    return { ok: result.exitCode === 0, text: `${result.stdout}${result.stderr}`.trim() };
  } catch (error) {
    if (error instanceof TransportError) return { ok: false, text: error.message };
    throw error;
  }
}

/** The interface names of a state (a change's `before` may hold observed values that
 * addressesFromState refuses, such as rates that differ per interface; only its names matter). */
function interfacesFromState(state: JsonValue): string[] | string {
  const interfaces = typeof state === 'object' && state !== null && !Array.isArray(state) ? state.interfaces : undefined;
  if (!Array.isArray(interfaces) || !interfaces.every((i): i is string => typeof i === 'string' && /^[A-Za-z0-9_.@:-]{1,15}$/.test(i)))
    return 'interfaces is not a list of interface names';
  return interfaces;
}

/** Deletes the ifb devices pytin names (tc-handles.ts: pytin creates them and owns their whole
 * tree) that nothing uses any more: no desired redirect points at one, its desired tree is empty,
 * and what was read last shows nothing on it (no root qdisc but the kernel's, no class, no
 * filter). Runs only after the tree converged, so the redirect to it is already gone. A device
 * already gone is fine. */
async function removeUnusedIfbs(
  runner: CommandRunner,
  desired: readonly TcDeviceTree[],
  read: TcObserved,
): Promise<{ output: string[]; diagnostics: Diagnostic[] }> {
  const ifbs = new Set(desired.map((t) => t.redirectTo).filter((d): d is string => d !== null));
  const named = new Set(desired.filter((t) => !ifbs.has(t.device)).map((t) => ifbName(t.device)));
  const unused = desired.filter((t) => {
    if (!named.has(t.device) || ifbs.has(t.device) || !isEmptyTree(t)) return false;
    const seen = read.devices.find((d) => d.tree.device === t.device);
    return !seen || (seen.root === 'default' && seen.tree.classes.length === 0 && seen.foreignFilters === 0 && !seen.ingressQdisc);
  });
  if (unused.length === 0) return { output: [], diagnostics: [] };
  const words = unused.map((t) => shellQuote(tcDevice(t.device))).join(' ');
  const result = await runner.run(
    `for d in ${words}; do ip link show dev "$d" >/dev/null 2>&1 || continue; ip link del dev "$d" || exit 1; echo "deleted $d"; done`,
  );
  const text = `${result.stdout}${result.stderr}`.trim();
  // The shaping is as git says either way: a device left behind is a warning, not a failure.
  if (result.exitCode !== 0) {
    const summary = `the tree converged, but deleting the unused ${unused.map((t) => t.device).join(', ')} on ${runner.host} failed: ${text}`;
    return { output: [text], diagnostics: [{ severity: 'warning', code: 'APPLY_TC_IFB_NOT_DELETED' satisfies BandwidthCode, summary }] };
  }
  return { output: text ? [text] : [], diagnostics: [] };
}

/** Trees of the observed devices, for restoring them or reporting them. */
const treesOf = (observed: TcObserved): TcDeviceTree[] => observed.devices.map((d) => d.tree);

/**
 * Applies one host's shaping change: makes the interfaces' and their ifbs' trees equal to the
 * change's `after` (empty trees for a delete), in ONE `tc -batch`. Idempotent: when the tree read
 * first already is the desired one the batch is empty and nothing runs.
 *
 * Interfaces the change's `before` names and its `after` does not (removed from git) are cleared,
 * and an ifb nothing uses any more is deleted once the tree converged.
 *
 * Never half-applied, even if the connection drops: tc stops a batch at its first failing line but
 * keeps the lines before, so the batch runs on the host beside a restore staged there first, in
 * one host-side job that runs the restore when the batch fails (staged-batch.ts). pytin then reads
 * back and, while the connection lasts, finishes any difference from the previous trees with a
 * restore computed from what is there (`-force`, so one failing line does not stop it). The state
 * returned is always the one read last, for the interfaces that stay shaped.
 */
export async function applyShaping(change: Change, context: ApplyContext): Promise<ApplyOutcome> {
  const runner = hostRunner(context);
  const fail = (code: BandwidthCode, message: string, output: string, state?: JsonValue): ApplyOutcome => failedOutcome(change, code, message, output, state);
  const target = addressesFromState(change.action === 'delete' ? change.before : change.after);
  if (typeof target === 'string') return fail('APPLY_TC_CHANGE_INVALID', `${change.address}: ${target}`, '');
  const shapedBefore = change.before === null ? [] : interfacesFromState(change.before);
  if (typeof shapedBefore === 'string') return fail('APPLY_TC_CHANGE_INVALID', `${change.address}: before: ${shapedBefore}`, '');
  // The interfaces that stay shaped; every other one `before` names is pytin's to clear (a delete
  // clears them all), and the state recorded after lists only the ones that stay.
  const interfaces = change.action === 'delete' ? [] : target.interfaces;
  const retired = [...new Set([...shapedBefore, ...target.interfaces])].filter((i) => !interfaces.includes(i));
  const addresses = change.action === 'delete' ? [] : target.addresses;
  const kept = treesFor(interfaces, addresses);
  const desired = [...kept, ...treesFor(retired, [])];
  const devices = desired.map((t) => t.device);
  const output: string[] = [];
  // The last known state, also when apply stops before changing anything.
  const stateNow = async (): Promise<JsonValue | undefined> => {
    const now = await observe(runner, devices).catch(() => 'unreadable');
    return typeof now === 'string' ? undefined : stateFromTrees(interfaces, treesOf(now));
  };

  for (const device of interfaces) {
    const link = await runner.run(`ip link show dev ${shellQuote(tcDevice(device))}`);
    if (link.exitCode !== 0)
      return fail('APPLY_TC_DEVICE_MISSING', `interface "${device}" does not exist on ${runner.host}`, link.stderr.trim(), await stateNow());
  }
  for (const tree of desired) {
    if (tree.redirectTo === null) continue;
    const ifb = shellQuote(tcDevice(tree.redirectTo));
    // An ifb pytin names is pytin's (tc-handles.ts): created here, deleted by removeUnusedIfbs once
    // nothing uses it.
    const made = await runner.run(`ip link show dev ${ifb} >/dev/null 2>&1 || ip link add ${ifb} type ifb; ip link set dev ${ifb} up`);
    if (made.exitCode !== 0) {
      const text = made.stderr.trim();
      if (/Unknown device type|not supported|No such file/i.test(text)) {
        return fail(
          'APPLY_TC_IFB_UNAVAILABLE',
          `the kernel of ${runner.host} cannot create ifb devices ("ip link add ${tree.redirectTo} type ifb": ${text}); upload shaping needs the ifb module`,
          text,
          await stateNow(),
        );
      }
      return fail('APPLY_TC_DEVICE_MISSING', `could not create or bring up ${tree.redirectTo} on ${runner.host}: ${text}`, text, await stateNow());
    }
  }

  const before = await observe(runner, devices);
  if (typeof before === 'string') return fail('APPLY_TC_READ_FAILED', before, '');
  // A retired device under someone else's root qdisc has nothing of pytin's at its root: only
  // the devices that stay shaped are refused.
  const foreign = before.devices.filter((d) => d.root === 'foreign' && kept.some((t) => t.device === d.tree.device)).map((d) => d.tree.device);
  if (foreign.length > 0)
    return fail(
      'APPLY_TC_FOREIGN_ROOT_QDISC',
      `${foreign.join(', ')} on ${runner.host} has a root qdisc pytin did not create; nothing was changed`,
      '',
      stateFromTrees(interfaces, treesOf(before)),
    );

  const lines = shapingBatch(desired, before);
  if (lines.length === 0) {
    const removed = await removeUnusedIfbs(runner, desired, before);
    return {
      ok: true,
      output: ['tc: nothing to change', ...removed.output].join('\n'),
      diagnostics: removed.diagnostics,
      state: stateFromTrees(interfaces, treesOf(before)),
    };
  }
  const previous = treesOf(before);
  const staged = await runStagedBatch(runner, lines, restoreBatch(previous, lines, before));
  output.push(`tc -batch: ${lines.length} lines, staged on the host with its restore: ${staged.kind}${staged.text ? `\n${staged.text}` : ''}`);
  if (staged.kind === 'not-run')
    return fail('APPLY_TC_BATCH_FAILED', `the batch was not run; the tree is as it was: ${staged.text}`, output.join('\n'), await stateNow());

  const after = await observe(runner, devices);
  const converged = (read: TcObserved) => desired.flatMap((t) => treeDifferences(t, observedDevice(read, t.device).tree));
  const succeeded = async (read: TcObserved): Promise<ApplyOutcome> => {
    const removed = await removeUnusedIfbs(runner, desired, read);
    output.push(...removed.output);
    return { ok: true, output: output.join('\n'), diagnostics: removed.diagnostics, state: stateFromTrees(interfaces, treesOf(read)) };
  };
  if (staged.kind === 'unknown') {
    // The host-side job may still be running: pytin neither restores over it nor guesses.
    const unknown = `${staged.text}; the host finishes the batch on its own and runs the staged restore if it fails: observe again to see which`;
    if (typeof after === 'string') return fail('APPLY_TC_OUTCOME_UNKNOWN', `${unknown} (reading tc back failed: ${after})`, output.join('\n'));
    if (converged(after).length === 0) return succeeded(after);
    return fail('APPLY_TC_OUTCOME_UNKNOWN', unknown, output.join('\n'), stateFromTrees(interfaces, treesOf(after)));
  }
  if (staged.kind === 'applied') {
    if (typeof after === 'string') return fail('APPLY_TC_READ_FAILED', `the batch ran but reading back failed: ${after}`, output.join('\n'));
    const left = converged(after);
    if (left.length > 0) return fail('APPLY_TC_NOT_CONVERGED', left.join('; '), output.join('\n'), stateFromTrees(interfaces, treesOf(after)));
    return succeeded(after);
  }

  // The batch stopped partway and the host ran the staged restore. Check it; while the connection
  // lasts, finish any difference left with a restore computed from what is there now.
  if (typeof after === 'string')
    return fail(
      'APPLY_TC_ROLLBACK_FAILED',
      `the batch failed; the host ran the staged restore, but the tree could not be read to check it: ${after}`,
      output.join('\n'),
    );
  const differsFromPrevious = (read: TcObserved) => previous.flatMap((t) => treeDifferences(t, observedDevice(read, t.device).tree));
  if (differsFromPrevious(after).length === 0)
    return fail(
      'APPLY_TC_BATCH_FAILED',
      `the batch failed and the previous tree was restored: ${staged.text}`,
      output.join('\n'),
      stateFromTrees(interfaces, treesOf(after)),
    );
  const restore = shapingBatch(previous, after);
  const rollback = restore.length > 0 ? await runBatch(runner, restore, true) : { ok: true, text: '' };
  output.push(`restore: ${restore.length} lines${rollback.text ? `\n${rollback.text}` : ''}`);
  const restored = await observe(runner, devices);
  if (typeof restored === 'string')
    return fail('APPLY_TC_ROLLBACK_FAILED', `the batch failed (${staged.text}); reading the restored tree failed: ${restored}`, output.join('\n'));
  const state = stateFromTrees(interfaces, treesOf(restored));
  const left = differsFromPrevious(restored);
  if (left.length > 0)
    return fail('APPLY_TC_ROLLBACK_FAILED', `the batch failed (${staged.text}); the restored tree still differs: ${left.join('; ')}`, output.join('\n'), state);
  return fail('APPLY_TC_BATCH_FAILED', `the batch failed and the previous tree was restored: ${staged.text}`, output.join('\n'), state);
}
