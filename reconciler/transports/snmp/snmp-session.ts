import type * as NetSnmp from 'net-snmp';

import { assertNever } from '../../../inventory/core/errors.js';
import { netSnmp } from './net-snmp-library.js';
import { classifyError, SnmpFailure } from './snmp-failure.js';
import type { SnmpAuthProtocol, SnmpPrivProtocol, SnmpTarget } from './snmp-target.js';

/** One open SNMP session (one UDP socket) to one agent. Requests reject with `SnmpFailure`. */
export interface SnmpSession {
  readonly target: SnmpTarget;
  /** Raw net-snmp varbinds of a Get: exceptions (noSuchObject...) stay in place, in order. */
  get(oids: readonly string[]): Promise<NetSnmp.Varbind[]>;
  /** One GetBulk for one OID: the repetitions that follow it, as the agent sent them. */
  getBulk(oid: string, maxRepetitions: number): Promise<NetSnmp.Varbind[]>;
  /** One GetNext for one OID (SNMPv1 has no GetBulk): the varbind after it, or none at the end of
   * the agent's MIB view. */
  getNext(oid: string): Promise<NetSnmp.Varbind[]>;
  close(): void;
}

function authProtocol(protocol: SnmpAuthProtocol): number {
  const snmp = netSnmp();
  switch (protocol) {
    case 'md5':
      return snmp.AuthProtocols.md5;
    case 'sha':
      return snmp.AuthProtocols.sha;
    case 'sha224':
      return snmp.AuthProtocols.sha224;
    case 'sha256':
      return snmp.AuthProtocols.sha256;
    case 'sha384':
      return snmp.AuthProtocols.sha384;
    case 'sha512':
      return snmp.AuthProtocols.sha512;
    default:
      return assertNever(protocol, 'SNMP auth protocol');
  }
}

function privProtocol(protocol: SnmpPrivProtocol): number {
  const snmp = netSnmp();
  switch (protocol) {
    case 'des':
      return snmp.PrivProtocols.des;
    case 'aes':
      return snmp.PrivProtocols.aes;
    case 'aes256b':
      return snmp.PrivProtocols.aes256b;
    case 'aes256r':
      return snmp.PrivProtocols.aes256r;
    default:
      return assertNever(protocol, 'SNMP privacy protocol');
  }
}

function createNetSnmpSession(target: SnmpTarget): NetSnmp.Session {
  const snmp = netSnmp();
  const options: NetSnmp.SessionOptions = {
    port: target.port,
    retries: target.retries,
    timeout: target.timeoutMs,
    transport: target.host.includes(':') ? 'udp6' : 'udp4',
    // pytin's own walk checks that OIDs increase, so it can keep the rows before the fault
    // and name the table in a diagnostic instead of losing the whole answer.
    backwardsGetNexts: true,
  };
  switch (target.version) {
    case '1':
      return snmp.createSession(target.host, target.community, { ...options, version: snmp.Version1 });
    case '2c':
      return snmp.createSession(target.host, target.community, { ...options, version: snmp.Version2c });
    case '3': {
      const user: NetSnmp.User = { name: target.user, level: snmp.SecurityLevel.noAuthNoPriv };
      if (target.auth) {
        user.level = snmp.SecurityLevel.authNoPriv;
        user.authProtocol = authProtocol(target.auth.protocol);
        user.authKey = target.auth.key;
        if (target.priv) {
          user.level = snmp.SecurityLevel.authPriv;
          user.privProtocol = privProtocol(target.priv.protocol);
          user.privKey = target.priv.key;
        }
      }
      return snmp.createV3Session(target.host, user, options);
    }
    default:
      return assertNever(target, 'SNMP version');
  }
}

export function openSession(target: SnmpTarget): SnmpSession {
  const snmp = netSnmp();
  const session = createNetSnmpSession(target);
  let closed = false;
  // net-snmp emits 'error' for an undecodable datagram; without a listener that would crash the
  // process. Such a datagram answers no request, so the request times out and is reported then.
  session.on('error', () => undefined);
  const request = <T>(send: (done: NetSnmp.ResponseCallback<T>) => void): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (closed) {
        reject(new SnmpFailure('socket', 'session already closed'));
        return;
      }
      try {
        send((error, result) => (error ? reject(classifyError(error)) : resolve(result as T)));
      } catch (error) {
        reject(classifyError(error));
      }
    });
  return {
    target,
    get: (oids) => request<NetSnmp.Varbind[]>((done) => session.get([...oids], done)),
    getBulk: async (oid, maxRepetitions) => {
      const columns = await request<NetSnmp.Varbind[][]>((done) => session.getBulk([oid], 0, maxRepetitions, done));
      return columns[0] ?? [];
    },
    getNext: async (oid) => {
      try {
        return await request<NetSnmp.Varbind[]>((done) => session.getNext([oid], done));
      } catch (error) {
        // SNMPv1 has no endOfMibView: an agent says "nothing after this OID" with noSuchName.
        if (target.version === '1' && error instanceof snmp.RequestFailedError && error.status === snmp.ErrorStatus.NoSuchName) return [];
        throw error;
      }
    },
    close() {
      if (closed) return;
      closed = true;
      try {
        session.close();
      } catch {
        // already closed by a socket error: nothing left to release
      }
    },
  };
}
