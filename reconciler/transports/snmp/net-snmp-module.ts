import { createRequire } from 'node:module';

import type * as NetSnmp from 'net-snmp';

/** net-snmp, loaded with require rather than imported. net-snmp is CommonJS: imported as an ES
 * module, Node first runs its CommonJS export lexer over the package's whole 214 KB index.js to
 * find the names it exports — about 45 ms of CPU at the start of every process that observes
 * (importing it measured 63 ms of CPU, requiring it 17 ms). Types still come from `net-snmp`. */
export const snmp = createRequire(import.meta.url)('net-snmp') as typeof NetSnmp;
