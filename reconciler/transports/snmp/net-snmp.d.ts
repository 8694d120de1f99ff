/** The part of the untyped `net-snmp` 3.x package that pytin uses. Written from the package's own
 * source (index.js): only what reconciler/transports/snmp calls, typed as it behaves. */
declare module 'net-snmp' {
  import type { EventEmitter } from 'node:events';

  /** OctetString, Opaque and Counter64 arrive as Buffers (Counter64: big-endian, 1-9 bytes);
   * Integer, Counter, Gauge, TimeTicks as numbers; OID and IpAddress as dotted strings;
   * NoSuchObject, NoSuchInstance, EndOfMibView as null. */
  export interface Varbind {
    oid: string;
    type: number;
    value: Buffer | number | string | boolean | null;
  }

  export interface SessionOptions {
    port?: number;
    retries?: number;
    timeout?: number;
    backoff?: number;
    transport?: 'udp4' | 'udp6';
    version?: number;
    /** When true (the default) net-snmp does not check that GetBulk answers increase. */
    backwardsGetNexts?: boolean;
    reportOidMismatchErrors?: boolean;
    idBitsSize?: 16 | 32;
    context?: string;
  }

  export interface User {
    name: string;
    level: number;
    authProtocol?: number;
    authKey?: string;
    privProtocol?: number;
    privKey?: string;
  }

  export type ResponseCallback<T> = (error: Error | null, result?: T) => void;

  export interface Session extends EventEmitter {
    get(oids: string[], callback: ResponseCallback<Varbind[]>): Session;
    /** Varbinds of the answer: `result[i]` holds the repetitions for requested OID i. */
    getBulk(oids: string[], nonRepeaters: number, maxRepetitions: number, callback: ResponseCallback<Varbind[][]>): Session;
    getNext(oids: string[], callback: ResponseCallback<Varbind[]>): Session;
    close(): Session;
  }

  export function createSession(target: string, community: string, options?: SessionOptions): Session;
  export function createV3Session(target: string, user: User, options?: SessionOptions): Session;
  export function isVarbindError(varbind: Varbind): boolean;

  export const Version1: number;
  export const Version2c: number;
  export const Version3: number;

  export const ObjectType: {
    Boolean: number;
    Integer: number;
    OctetString: number;
    Null: number;
    OID: number;
    IpAddress: number;
    Counter: number;
    Gauge: number;
    TimeTicks: number;
    Opaque: number;
    Counter64: number;
    NoSuchObject: number;
    NoSuchInstance: number;
    EndOfMibView: number;
  };

  export const SecurityLevel: { noAuthNoPriv: number; authNoPriv: number; authPriv: number };
  export const AuthProtocols: { none: number; md5: number; sha: number; sha224: number; sha256: number; sha384: number; sha512: number };
  export const PrivProtocols: { none: number; des: number; aes: number; aes256b: number; aes256r: number };
  export const ResponseInvalidCode: {
    EAuthFailure: number;
    ECouldNotDecrypt: number;
    ENotInTimeWindow: number;
    ECommunityNoMatch: number;
    [name: string]: number;
  };
  export const ErrorStatus: { [name: string]: number };

  export class RequestTimedOutError extends Error {}
  export class RequestFailedError extends Error {
    status: number;
  }
  export class ResponseInvalidError extends Error {
    code: number;
  }
  export class RequestInvalidError extends Error {}
}
