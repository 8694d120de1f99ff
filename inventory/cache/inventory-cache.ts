import { deserialize, serialize } from 'node:v8';

import { readCacheFile, writeCacheFile } from './cache-file.js';
import { codeIdentity } from './code-identity.js';
import { isExactJson } from './exact-json.js';

/** An entry is JSON when JSON gives the value back exactly (JSON.parse loaded the generated
 * inventory's entries in about half the time v8.deserialize took: bench:validate prints both), else
 * a v8 serialisation, which keeps what JSON cannot (.inf, -0, a node two YAML aliases share). */
const JSON_TAG = 0x4a;
const V8_TAG = 0x56;

/** Entries kept besides those a run used, as a multiple of those: enough for a second revision
 * read beside the first (a branch and main), bounded so the file does not grow forever. */
const KEEP_UNUSED_FACTOR = 1;

/** Per-file results of parsing and schema-checking the inventory, kept between runs in one file
 * beside the store (issue 14). Keys are content keys (content-key.ts): an entry is the result of
 * exactly those bytes at that path under this build of pytin, so whatever revision or branch made
 * it, it is the right result for any revision holding the same bytes — an untrusted branch can add
 * entries only for its own content, never change what main's content gives. Values are serialised
 * when stored (JSON or v8, below; one file read whole beat the SQLite store, bench:validate):
 * later changes to the value never reach the cache. */
export class InventoryCache {
  private readonly saved: Map<string, Buffer>;
  private readonly used = new Map<string, Buffer>();
  private stored = 0;
  hits = 0;
  misses = 0;

  private constructor(
    readonly path: string,
    private readonly identity: string,
  ) {
    this.saved = readCacheFile(path, identity);
  }

  /** The cache file at `path`, empty when it is missing, damaged or made by other code. */
  static open(path: string, identity: string = codeIdentity()): InventoryCache {
    return new InventoryCache(path, identity);
  }

  /** The value stored under `key` (a fresh copy), or undefined. */
  lookup<T>(key: string): T | undefined {
    const bytes = this.used.get(key) ?? this.saved.get(key);
    if (bytes === undefined) {
      this.misses += 1;
      return undefined;
    }
    let value: T;
    try {
      value = (bytes[0] === JSON_TAG ? JSON.parse(bytes.toString('utf8', 1)) : deserialize(bytes.subarray(1))) as T;
    } catch {
      this.misses += 1;
      return undefined;
    }
    this.used.set(key, bytes);
    this.hits += 1;
    return value;
  }

  /** Stores a copy of `value` as it is now. */
  store(key: string, value: unknown): void {
    this.used.set(
      key,
      isExactJson(value)
        ? Buffer.concat([Buffer.of(JSON_TAG), Buffer.from(JSON.stringify(value), 'utf8')])
        : Buffer.concat([Buffer.of(V8_TAG), serialize(value)]),
    );
    this.stored += 1;
  }

  /** Writes the file when this run stored anything: the entries used, then as many of the other
   * saved ones as the bound allows. A run that found everything writes nothing. */
  save(): boolean {
    if (this.stored === 0) return false;
    const entries = new Map(this.used);
    const room = this.used.size * (1 + KEEP_UNUSED_FACTOR);
    for (const [key, bytes] of this.saved) {
      if (entries.size >= room) break;
      if (!entries.has(key)) entries.set(key, bytes);
    }
    this.stored = 0;
    return writeCacheFile(this.path, this.identity, entries);
  }
}
