import type * as NetSnmp from 'net-snmp';

import { lazyLibrary } from '../../support/lazy-library.js';

/** net-snmp, loaded when pytin first talks SNMP (see lazy-library.ts). */
export const netSnmp = lazyLibrary<typeof NetSnmp>('net-snmp');
