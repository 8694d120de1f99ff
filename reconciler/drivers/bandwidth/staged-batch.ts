import { createHash } from 'node:crypto';

import { TransportError } from '../../../inventory/core/errors.js';
import { type CommandRunner, shellQuote } from '../../transports/command-runner.js';

/** How a staged batch ended, as far as pytin could see:
 * - `applied`: tc ran the whole batch;
 * - `restored`: the batch failed and the host ran the restore right after it (whether the restore
 *   brought the tree back is for pytin to read, when it still can);
 * - `not-run`: the batch or its restore did not arrive whole, or could not be staged: nothing ran;
 * - `unknown`: the connection failed once the batch could have started (or the job ended oddly). The host finishes on its
 *   own, the restore included if the batch fails; what it did is only known by reading tc again. */
export type StagedBatchResult = { kind: 'applied' | 'restored' | 'not-run' | 'unknown'; text: string };

/** Exit statuses of the host-side command (beside 0: the batch ran). */
const RESTORED = 91;
const INCOMPLETE = 90;

/** Folders of earlier jobs whose waiting command died with its connection: the job wrote `done`
 * when it ended, so nobody will read them. Only this user's (a folder in /tmp can be anyone's);
 * `rm -rf` follows no link. */
const STALE_CLEANUP = `for old in /tmp/pytin-tc.??????????; do [ -d "$old" ] && [ -O "$old" ] && [ -e "$old/done" ] && rm -rf "$old"; done; :`;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const STAGE_DIR = /^\/tmp\/pytin-tc\.[A-Za-z0-9]{10}$/;

/**
 * Runs a tc batch so that its rollback does not depend on the SSH connection surviving. The
 * restore is written to a private folder on the host first; then the batch is written there too,
 * both are checked against their SHA-256 (a connection cut while sending would otherwise leave tc
 * running half a batch that looks whole), and ONE host-side job runs `tc -batch` and, when it
 * fails, `tc -force -batch` of the restore. The job runs in a session of its own (`setsid`) with
 * its input and output on files: a connection that drops while it runs takes neither it nor the
 * restore with it. The folder is removed by the command that waits for the job; if that command
 * dies with the connection, the job still writes `done` in the folder when it ends, and the next
 * staged batch on the host removes it.
 */
export async function runStagedBatch(
  runner: CommandRunner,
  batch: readonly string[],
  restore: readonly string[],
  timeoutMs = 120_000,
): Promise<StagedBatchResult> {
  const batchText = batch.join('\n') + '\n';
  const restoreText = restore.join('\n') + '\n';
  let dir: string;
  try {
    const staged = await runner.run(`${STALE_CLEANUP}\numask 077 && d=$(mktemp -d /tmp/pytin-tc.XXXXXXXXXX) && cat > "$d/restore" && echo "$d"`, {
      stdin: restoreText,
      timeoutMs,
    });
    dir = staged.stdout.trim();
    if (staged.exitCode !== 0 || !STAGE_DIR.test(dir))
      return { kind: 'not-run', text: `staging the restore failed: ${staged.stderr.trim() || JSON.stringify(dir)}` };
  } catch (error) {
    if (error instanceof TransportError) return { kind: 'not-run', text: error.message };
    throw error;
  }
  const d = shellQuote(dir);
  const job = [
    'if tc -batch "$1/batch"; then s=0; else',
    `  tc -force -batch "$1/restore"; s=${RESTORED}`,
    'fi',
    'rm -f "$1/batch" "$1/restore"; echo "$s" > "$1/done"; exit "$s"',
  ].join('\n');
  const command = [
    `d=${d}`,
    `cat > "$d/batch" && printf '%s  %s\\n' ${sha256(batchText)} "$d/batch" ${sha256(restoreText)} "$d/restore" | sha256sum -c --status || {`,
    `  rm -rf "$d"; echo 'pytin: the batch or its restore did not arrive whole on the host; nothing was run' >&2; exit ${INCOMPLETE}; }`,
    `setsid -w sh -c ${shellQuote(job)} sh "$d" < /dev/null > "$d/log" 2>&1`,
    's=$?; cat "$d/log"; rm -rf "$d"; exit "$s"',
  ].join('\n');
  try {
    const result = await runner.run(command, { stdin: batchText, timeoutMs });
    const text = `${result.stdout}${result.stderr}`.trim();
    if (result.exitCode === 0) return { kind: 'applied', text };
    if (result.exitCode === RESTORED) return { kind: 'restored', text };
    if (result.exitCode === INCOMPLETE) return { kind: 'not-run', text };
    return { kind: 'unknown', text: `the host-side job ended with ${result.exitCode ?? result.signal}: ${text}` };
  } catch (error) {
    if (error instanceof TransportError) return { kind: 'unknown', text: error.message };
    throw error;
  }
}
