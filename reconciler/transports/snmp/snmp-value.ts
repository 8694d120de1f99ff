import type * as NetSnmp from 'net-snmp';

import { netSnmp } from './net-snmp-library.js';

/** A varbind value as pytin reads it: tagged by what it is, not by the wire type number. */
export type SnmpValue =
  | { kind: 'octets'; bytes: Buffer }
  | { kind: 'integer'; value: number }
  /** Counter32, Gauge32, TimeTicks. */
  | { kind: 'unsigned'; value: number }
  | { kind: 'counter64'; value: bigint }
  | { kind: 'oid'; value: string }
  | { kind: 'ip'; value: string }
  /** noSuchObject, noSuchInstance, endOfMibView, NULL: no value at this OID. */
  | { kind: 'none' };

export interface SnmpVarbind {
  oid: string;
  value: SnmpValue;
}

/** Big-endian unsigned bytes to a bigint (Counter64 arrives as 1-9 bytes). */
function unsignedBytes(bytes: Buffer): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

export function toSnmpValue(varbind: NetSnmp.Varbind): SnmpValue {
  const { type, value } = varbind;
  const T = netSnmp().ObjectType;
  if (type === T.OctetString || type === T.Opaque)
    return Buffer.isBuffer(value) ? { kind: 'octets', bytes: value } : { kind: 'octets', bytes: Buffer.from(String(value ?? '')) };
  if (type === T.Integer) return { kind: 'integer', value: Number(value) };
  if (type === T.Counter || type === T.Gauge || type === T.TimeTicks) return { kind: 'unsigned', value: Number(value) };
  if (type === T.Counter64) return { kind: 'counter64', value: Buffer.isBuffer(value) ? unsignedBytes(value) : BigInt(Number(value ?? 0)) };
  if (type === T.OID) return { kind: 'oid', value: String(value) };
  if (type === T.IpAddress) return { kind: 'ip', value: String(value) };
  return { kind: 'none' };
}

/** True when the agent said there is nothing at or after this OID (v2c/v3 exceptions). */
export function isEndOfView(varbind: NetSnmp.Varbind): boolean {
  const T = netSnmp().ObjectType;
  return varbind.type === T.EndOfMibView || varbind.type === T.NoSuchObject || varbind.type === T.NoSuchInstance;
}
