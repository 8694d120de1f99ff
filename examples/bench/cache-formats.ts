// Part of `npm run bench:validate`: the candidates for the inventory cache's serialisation (issue
// 14), on the real entries of the generated inventory — what a warm run pays to get every file's
// result back. v8, JSON, and the SQLite store (one row of v8 bytes per file, read with one query and
// decoded). The cache stores JSON where JSON gives the value back exactly, else v8.
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';

import { openSqlite } from '../../reconciler/store/file/sqlite.js';
import { formatSeconds, median } from './measure.js';

const ROUNDS = 5;

function cpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

async function medianCpu(work: () => unknown): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const started = cpuSeconds();
    await work();
    times.push(cpuSeconds() - started);
  }
  return median(times);
}

/** One line per format: the median CPU time to load every entry, and its size. */
export async function compareCacheFormats(values: readonly unknown[], dir: string): Promise<string[]> {
  const v8 = values.map((v) => serialize(v));
  const json = values.map((v) => JSON.stringify(v));
  const database = await openSqlite(join(dir, 'cache-formats.sqlite'));
  try {
    await database.exec('CREATE TABLE entry (key TEXT PRIMARY KEY, value BLOB NOT NULL)');
    await database.transaction(async (tx) => {
      for (const [i, bytes] of v8.entries()) await tx.run('INSERT INTO entry VALUES (?, ?)', [`file-${i}`, bytes]);
    });
    const sizeOf = (list: readonly { length: number }[]) => `${(list.reduce((n, b) => n + b.length, 0) / 1e6).toFixed(1)} MB`;
    const v8Cpu = await medianCpu(() => v8.map((b) => deserialize(b)));
    const jsonCpu = await medianCpu(() => json.map((s) => JSON.parse(s) as unknown));
    const sqliteCpu = await medianCpu(async () => (await database.all<{ value: Buffer }>('SELECT value FROM entry')).map((row) => deserialize(row.value)));
    return [
      `cache formats, ${values.length} entries, median cpu of ${ROUNDS} loads (in process):`,
      `  v8                    ${formatSeconds(v8Cpu)}  ${sizeOf(v8)} (the cache's choice for values JSON would change)`,
      `  JSON                  ${formatSeconds(jsonCpu)}  ${sizeOf(json)} (x${(jsonCpu / v8Cpu).toFixed(2)}; the cache's choice where it gives the value back exactly — not .inf/.nan, -0, an alias's shared node)`,
      `  SQLite store (v8 rows) ${formatSeconds(sqliteCpu)} (x${(sqliteCpu / v8Cpu).toFixed(2)}; cpu of this process only)`,
    ];
  } finally {
    await database.close();
  }
}
