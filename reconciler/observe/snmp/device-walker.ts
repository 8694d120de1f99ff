import { assertNever } from '../../../inventory/core/errors.js';
import { bulkWalk, type WalkEnd } from '../../transports/snmp/bulk-walk.js';
import type { SnmpFailure } from '../../transports/snmp/snmp-failure.js';
import type { SnmpSession } from '../../transports/snmp/snmp-session.js';
import { describeTarget } from '../../transports/snmp/snmp-target.js';
import type { SnmpVarbind } from '../../transports/snmp/snmp-value.js';
import type { DiagnosticSink } from './diagnostic-sink.js';
import type { ObsSnmpCode } from './snmp-codes.js';

export interface ColumnWalk {
  rows: SnmpVarbind[];
  /** True only when the walk reached the end of the column. */
  complete: boolean;
  /** False when the column was skipped because the agent had stopped or time had run out. */
  walked: boolean;
}

export interface WalkBudget {
  maxRepetitions: number;
  maxRows: number;
  /** Absolute `Date.now()` after which no request is sent. */
  deadline: number;
  onProgress?: (column: string, rows: number) => void;
}

export function failureCode(failure: SnmpFailure): ObsSnmpCode {
  switch (failure.kind) {
    case 'timeout':
      return 'OBS_SNMP_TIMEOUT';
    case 'auth':
      return 'OBS_SNMP_AUTH_FAILED';
    case 'agent-error':
      return 'OBS_SNMP_AGENT_ERROR';
    case 'invalid-response':
      return 'OBS_SNMP_INVALID_RESPONSE';
    case 'socket':
      return 'OBS_SNMP_SOCKET_ERROR';
    default:
      return assertNever(failure.kind, 'SNMP failure kind');
  }
}

/** Walks the columns of one device and turns how each walk ended into diagnostics. Once the agent
 * has stopped answering (timeout, refused credentials, socket), later columns are not walked:
 * each would only wait out its own timeout. */
export class DeviceWalker {
  /** Set when the agent stopped answering; the failure that stopped it. */
  stoppedBy: SnmpFailure | undefined;
  /** Set when the time budget ran out. */
  outOfTime = false;

  constructor(
    private readonly session: SnmpSession,
    private readonly budget: WalkBudget,
    private readonly sink: DiagnosticSink,
  ) {}

  /** `label` names the column in diagnostics, e.g. `ipNetToPhysicalPhysAddress`. */
  async column(baseOid: string, label: string): Promise<ColumnWalk> {
    if (this.stoppedBy || this.outOfTime) return { rows: [], complete: false, walked: false };
    const onProgress = this.budget.onProgress;
    const walk = await bulkWalk(this.session, baseOid, { ...this.budget, ...(onProgress ? { onRows: (rows: number) => onProgress(label, rows) } : {}) });
    const end: WalkEnd = walk.end;
    switch (end) {
      case 'complete':
        return { rows: walk.varbinds, complete: true, walked: true };
      case 'not-increasing':
        this.sink.add(
          'error',
          'OBS_SNMP_OID_NOT_INCREASING',
          `${label}: the agent answered ${walk.outOfOrder?.next} after ${walk.outOfOrder?.previous}; the walk stopped after ${walk.varbinds.length} rows`,
        );
        return { rows: walk.varbinds, complete: false, walked: true };
      case 'row-limit':
        this.sink.add('error', 'OBS_SNMP_ROW_LIMIT', `${label}: stopped at ${walk.varbinds.length} rows (the limit)`);
        return { rows: walk.varbinds, complete: false, walked: true };
      case 'time-limit':
        this.sink.add('error', 'OBS_SNMP_TIME_LIMIT', `${label}: the observation's time budget ran out after ${walk.varbinds.length} rows`);
        this.outOfTime = true;
        return { rows: walk.varbinds, complete: false, walked: true };
      case 'failed':
        this.requestFailed(walk.failure as SnmpFailure, label, walk.varbinds.length, walk.requests);
        return { rows: walk.varbinds, complete: false, walked: true };
      default:
        return assertNever(end, 'walk end');
    }
  }

  /** Reports a failed request (of a walk, or the system group Get) and, when the agent cannot be
   * expected to answer the next one either, stops the walker. */
  requestFailed(failure: SnmpFailure, label: string, rowsBefore: number, requests: number): void {
    if (failure.kind === 'timeout' || failure.kind === 'auth' || failure.kind === 'socket') this.stoppedBy = failure;
    const target = this.session.target;
    const wait = `${target.timeoutMs} ms x ${target.retries + 1} tries`;
    // A v2c agent stays silent on a wrong community, so silence is all we can report.
    // snmpd drops a v3 message it cannot decrypt without a report: a wrong privacy key is silence too.
    const causes = target.version !== '3' ? 'host down, wrong port, or wrong community' : 'host down, wrong port, or wrong privacy key';
    const reason =
      failure.kind === 'timeout' ? `no answer from ${describeTarget(target)} after ${wait} (${causes})` : `${describeTarget(target)}: ${failure.message}`;
    if (requests > 1 || rowsBefore > 0) {
      this.sink.add(
        'error',
        'OBS_SNMP_WALK_INTERRUPTED',
        `${label}: the walk stopped after ${rowsBefore} rows: ${reason}; the table is incomplete`,
        failureCode(failure),
      );
    } else {
      this.sink.add('error', failureCode(failure), `${label}: ${reason}`);
    }
  }
}
