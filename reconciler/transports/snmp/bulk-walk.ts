import type * as snmp from 'net-snmp';

import { compareOids, isInSubtree } from './oid.js';
import { classifyError, type SnmpFailure } from './snmp-failure.js';
import type { SnmpSession } from './snmp-session.js';
import { isEndOfView, type SnmpVarbind, toSnmpValue } from './snmp-value.js';

/** How a walk ended. Only `complete` means the rows are the whole subtree. */
export type WalkEnd =
  | 'complete'
  /** The agent answered an OID not after the previous one: it would loop forever. */
  | 'not-increasing'
  /** `maxRows` reached: the table may be longer. */
  | 'row-limit'
  /** The wall-clock budget ran out between requests. */
  | 'time-limit'
  /** A request failed (timeout, auth, agent error): the rows are what came before. */
  | 'failed';

export interface WalkResult {
  baseOid: string;
  varbinds: SnmpVarbind[];
  end: WalkEnd;
  requests: number;
  failure?: SnmpFailure;
  /** For `not-increasing`: the last good OID and the offending one. */
  outOfOrder?: { previous: string; next: string };
}

export interface WalkOptions {
  maxRepetitions: number;
  /** Stop after this many rows (a bound on memory and on requests). */
  maxRows: number;
  /** Absolute `Date.now()` after which no further request is sent. */
  deadline?: number;
  /** Called after each answer with the number of rows so far (progress display). */
  onRows?: (rows: number) => void;
}

export const DEFAULT_MAX_REPETITIONS = 50;
export const DEFAULT_MAX_ROWS = 1_000_000;

/** Walks the subtree under `baseOid` with GetBulk (GetNext only for SNMPv1, which has no GetBulk). Never throws for agent or
 * network problems: the result says how it ended and keeps the rows received before.
 * Bounded: every request that does not end the walk adds at least one row, so there are at most
 * `maxRows + 1` requests, each bounded by the session's timeout and retries. */
export async function bulkWalk(session: SnmpSession, baseOid: string, options: WalkOptions): Promise<WalkResult> {
  const prefix = baseOid.startsWith('.') ? baseOid.slice(1) : baseOid;
  const varbinds: SnmpVarbind[] = [];
  let previous = prefix;
  let requests = 0;
  const result = (end: WalkEnd, extra: Partial<WalkResult> = {}): WalkResult => ({ baseOid: prefix, varbinds, end, requests, ...extra });

  while (requests <= options.maxRows) {
    if (options.deadline !== undefined && Date.now() > options.deadline) return result('time-limit');
    let page: snmp.Varbind[];
    try {
      requests++;
      page = session.target.version === '1' ? await session.getNext(previous) : await session.getBulk(previous, options.maxRepetitions);
    } catch (error) {
      return result('failed', { failure: classifyError(error) });
    }
    if (page.length === 0) return result('complete');
    for (const varbind of page) {
      if (isEndOfView(varbind)) return result('complete');
      const oid = varbind.oid;
      if (!isInSubtree(oid, prefix)) return result('complete');
      if (compareOids(oid, previous) <= 0) return result('not-increasing', { outOfOrder: { previous, next: oid } });
      varbinds.push({ oid, value: toSnmpValue(varbind) });
      previous = oid;
      if (varbinds.length >= options.maxRows) return result('row-limit');
    }
    options.onRows?.(varbinds.length);
  }
  return result('row-limit');
}
