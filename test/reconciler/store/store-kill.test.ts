import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { readDeviceFacts } from '../../../reconciler/store/facts/device-store.js';
import { openStore } from '../../../reconciler/store/open-store.js';
import { makeTempDir } from '../../lab/daemon.js';

const writer = fileURLToPath(new URL('./fixtures/store-writer.js', import.meta.url));
const INTERFACES = 3000;

/** Runs the writer until a walk is under way, SIGKILLs it (by its PID) part way through that
 * walk, and returns the generation it was writing. */
async function killDuringWalk(path: string, fraction: number): Promise<{ writing: number; lastCommitted: number }> {
  const child = spawn(process.execPath, [writer, path, String(INTERFACES)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = once(child, 'exit');
  const hardStop = setTimeout(() => child.kill('SIGKILL'), 30_000);
  try {
    let lastCommitted = 0;
    let lastDurationMs = 0;
    const lines = createInterface({ input: child.stdout });
    for await (const line of lines) {
      const [word, generation, ms] = line.split(' ');
      if (word === 'committed') {
        lastCommitted = Number(generation);
        lastDurationMs = Number(ms);
      } else if (word === 'begin' && lastCommitted >= 2) {
        await new Promise((r) => setTimeout(r, Math.max(1, lastDurationMs * fraction)));
        const pid = child.pid;
        assert.ok(pid);
        process.kill(pid, 'SIGKILL');
        return { writing: Number(generation), lastCommitted };
      }
    }
    throw new Error('the writer ended before it could be killed');
  } finally {
    clearTimeout(hardStop);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  }
}

test('SIGKILL in the middle of a walk leaves an intact database holding one whole walk', async (t) => {
  const dir = await makeTempDir('store-kill');
  t.after(() => dir.remove());
  const path = join(dir.path, 'store.sqlite');
  for (const fraction of [0.2, 0.5, 0.8]) {
    const { writing, lastCommitted } = await killDuringWalk(path, fraction);
    assert.equal(writing, lastCommitted + 1);
    const store = await openStore(path);
    try {
      const integrity = await store.all<{ integrity_check: string }>('PRAGMA integrity_check');
      assert.deepEqual(integrity, [{ integrity_check: 'ok' }]);
      const stored = await readDeviceFacts(store, 'sw1');
      assert.ok(stored);
      // The kill may land just after COMMIT reached the WAL but before "committed" was printed.
      const generation = Number(stored.facts.system.sysName?.replace('sw-gen-', ''));
      assert.ok(generation === lastCommitted || generation === writing, `facts of generation ${generation}`);
      assert.equal(stored.facts.interfaces.length, INTERFACES);
      assert.ok(stored.facts.interfaces.every((i) => i.ifAlias === `gen-${generation}`));
      const rows = await store.all<{ if_alias: string; n: number }>(
        "SELECT if_alias, count(*) AS n FROM device_interfaces WHERE device = 'sw1' GROUP BY if_alias",
      );
      assert.deepEqual(rows, [{ if_alias: `gen-${generation}`, n: INTERFACES }]);
      const runs = await store.get<{ n: number }>("SELECT count(*) AS n FROM observation_runs WHERE subject = 'sw1'");
      assert.equal(runs?.n, generation, 'one run row per committed walk, none for the interrupted one');
    } finally {
      await store.close();
    }
    // Next round starts from scratch so generations stay comparable.
    const { rm } = await import('node:fs/promises');
    for (const suffix of ['', '-wal', '-shm']) await rm(`${path}${suffix}`, { force: true });
  }
});
