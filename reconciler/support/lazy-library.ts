import { createRequire } from 'node:module';

const requireFromHere = createRequire(import.meta.url);

/** A CommonJS library loaded on first use, then kept. For libraries that only observation and apply
 * use (ssh2, net-snmp, saxes): `pytin plan` without --refresh loads every driver but talks to no
 * host, and loading those three was about 150 ms of each plan's CPU (issue 14). Callers keep the
 * library's types with `import type`. Loaded with require, not import(): imported as an ES module,
 * a CommonJS package first goes through Node's export lexer (net-snmp's 214 KB index.js: ~45 ms
 * of CPU in every process that observes). */
export function lazyLibrary<T>(specifier: string): () => T {
  let library: T | undefined;
  return () => (library ??= requireFromHere(specifier) as T);
}
