import { formatDiagnostic, hasErrors } from '../../../inventory/core/diagnostic.js';
import { EXIT_ERROR, EXIT_OK } from '../exit-codes.js';
import { integerOption, stringOption, booleanOption, UsageError, type Command, type ParsedCommandArgs } from '../command.js';
import { observeDevice } from '../../observe/snmp/observe-device.js';
import type { DeviceFacts } from '../../observe/snmp/device-facts.js';
import { FACT_SECTIONS } from '../../observe/snmp/device-facts.js';
import {
  SNMP_AUTH_PROTOCOLS,
  SNMP_PRIV_PROTOCOLS,
  type SnmpAuthProtocol,
  type SnmpPrivProtocol,
  type SnmpTarget,
} from '../../transports/snmp/snmp-target.js';

const DEFAULT_PORT = 161;
const DEFAULT_TIMEOUT_MS = 2000;
const DEFAULT_RETRIES = 1;

/** `H`, `H:PORT`, `[V6]`, `[V6]:PORT`; a bare IPv6 literal (two colons or more) has no port. */
export function parseHostPort(text: string): { host: string; port: number } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  const plain = /^([^:\s]+)(?::(\d+))?$/.exec(text);
  const match = bracketed ?? plain;
  if (!match) {
    if ((text.match(/:/g) ?? []).length >= 2 && /^[0-9a-fA-F:.]+$/.test(text)) return { host: text, port: DEFAULT_PORT };
    throw new UsageError(`--host must be HOST, HOST:PORT or [IPV6]:PORT, got "${text}"`);
  }
  const port = match[2] === undefined ? DEFAULT_PORT : Number(match[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`--host port must be 1-65535, got "${match[2]}"`);
  return { host: match[1] as string, port };
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  const lower = value.toLowerCase();
  const found = allowed.find((a) => a === lower);
  if (!found) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got "${value}"`);
  return found;
}

/** The target from the command line. Keys and communities are never echoed in messages. */
export function targetFromArgs(args: ParsedCommandArgs): SnmpTarget {
  const hostText = stringOption(args, 'host');
  if (hostText === undefined) throw new UsageError('--host is required');
  const { host, port } = parseHostPort(hostText);
  const timeoutMs = integerOption(args, 'timeout', 1) ?? DEFAULT_TIMEOUT_MS;
  const retries = integerOption(args, 'retries', 0) ?? DEFAULT_RETRIES;
  const maxRepetitions = integerOption(args, 'max-repetitions', 1);
  const base = { host, port, timeoutMs, retries, ...(maxRepetitions === undefined ? {} : { maxRepetitions }) };
  const community = stringOption(args, 'community');
  const user = stringOption(args, 'user');
  const v3Flags = ['auth-protocol', 'auth-key', 'priv-protocol', 'priv-key'].filter((f) => stringOption(args, f) !== undefined);
  if (community !== undefined && user !== undefined) throw new UsageError('give either --community (v2c) or --user (v3), not both');
  if (community !== undefined) {
    if (v3Flags.length > 0) throw new UsageError(`--${v3Flags[0]} is for SNMPv3 (--user), not with --community`);
    return { ...base, version: '2c', community };
  }
  if (user === undefined) throw new UsageError('give --community C (SNMPv2c) or --user U with --auth-key (SNMPv3)');
  const authKey = stringOption(args, 'auth-key');
  const privKey = stringOption(args, 'priv-key');
  const authProtocolText = stringOption(args, 'auth-protocol');
  const privProtocolText = stringOption(args, 'priv-protocol');
  if (authKey === undefined && authProtocolText !== undefined) throw new UsageError('--auth-protocol needs --auth-key');
  if (privKey === undefined && privProtocolText !== undefined) throw new UsageError('--priv-protocol needs --priv-key');
  if (privKey !== undefined && authKey === undefined) throw new UsageError('--priv-key needs --auth-key (SNMPv3 has no privacy without authentication)');
  const target: SnmpTarget = { ...base, version: '3', user };
  if (authKey !== undefined) {
    const protocol: SnmpAuthProtocol = authProtocolText === undefined ? 'sha' : oneOf('auth-protocol', authProtocolText, SNMP_AUTH_PROTOCOLS);
    target.auth = { protocol, key: authKey };
  }
  if (privKey !== undefined) {
    const protocol: SnmpPrivProtocol = privProtocolText === undefined ? 'aes' : oneOf('priv-protocol', privProtocolText, SNMP_PRIV_PROTOCOLS);
    target.priv = { protocol, key: privKey };
  }
  return target;
}

function humanSummary(facts: DeviceFacts): string {
  const lines: string[] = [];
  const system = facts.system;
  lines.push(`${facts.device}  ${system?.sysName ?? '(no sysName)'}  ${system?.sysObjectID ?? ''}`.trimEnd());
  if (system?.sysDescr) lines.push(`  ${system.sysDescr.split(/[\r\n]/)[0]}`);
  const ipv4 = facts.arp.filter((a) => a.family === 'ipv4').length;
  const fdbTable = facts.fdb[0]?.table ?? 'none';
  lines.push(`  interfaces ${facts.interfaces.length}, ARP/neighbours ${facts.arp.length} (IPv4 ${ipv4}, IPv6 ${facts.arp.length - ipv4}), forwarding ${facts.fdb.length} (${fdbTable}), LLDP neighbours ${facts.lldp.length}`);
  const incomplete = FACT_SECTIONS.filter((s) => facts.completeness[s] !== 'complete').map((s) => `${s} ${facts.completeness[s]}`);
  if (incomplete.length > 0) lines.push(`  INCOMPLETE: ${incomplete.join(', ')}`);
  if (facts.quirks && facts.quirks !== 'standard') lines.push(`  vendor quirks: ${facts.quirks}`);
  return lines.join('\n') + '\n';
}

export const observeDeviceCommand: Command = {
  name: 'observe device',
  summary: 'Walk one device over SNMP (no inventory) and print its interfaces, ARP, forwarding table and LLDP neighbours',
  synopsis: '--host H[:PORT] (--community C | --user U --auth-key K [--auth-protocol P] [--priv-key K --priv-protocol P]) [--timeout MS] [--retries N] [--json]',
  options: {
    host: { type: 'string', valueName: 'H[:PORT]', description: 'the agent, port 161 unless given; [IPV6]:PORT for IPv6' },
    community: { type: 'string', valueName: 'C', description: 'SNMPv2c community' },
    user: { type: 'string', valueName: 'U', description: 'SNMPv3 user name' },
    'auth-protocol': { type: 'string', valueName: 'P', description: `SNMPv3 authentication: ${SNMP_AUTH_PROTOCOLS.join('|')} (default sha)` },
    'auth-key': { type: 'string', valueName: 'K', description: 'SNMPv3 authentication pass phrase (authNoPriv)' },
    'priv-protocol': { type: 'string', valueName: 'P', description: `SNMPv3 privacy: ${SNMP_PRIV_PROTOCOLS.join('|')} (default aes)` },
    'priv-key': { type: 'string', valueName: 'K', description: 'SNMPv3 privacy pass phrase (authPriv)' },
    timeout: { type: 'string', valueName: 'MS', description: `wait per request before retrying (default ${DEFAULT_TIMEOUT_MS})` },
    retries: { type: 'string', valueName: 'N', description: `retries after a timeout (default ${DEFAULT_RETRIES})` },
    'max-repetitions': { type: 'string', valueName: 'N', description: 'rows per GetBulk (default 50)' },
    json: { type: 'boolean', description: 'print {system, interfaces, arp, fdb, lldp, completeness, diagnostics} as JSON' },
  },
  async run(args, io) {
    const target = targetFromArgs(args);
    const facts = await observeDevice(target);
    for (const diagnostic of facts.diagnostics) io.stderr.write(`pytin: ${formatDiagnostic(diagnostic)}\n`);
    // Nothing at all was read (unreachable, refused credentials): no facts to print.
    const nothingRead = facts.completeness.system !== 'complete' && FACT_SECTIONS.every((s) => s === 'system' || facts.completeness[s] === 'not-walked');
    if (!nothingRead) {
      if (booleanOption(args, 'json')) {
        const { system, interfaces, arp, fdb, lldp, completeness, diagnostics, device, observedAt } = facts;
        io.stdout.write(`${JSON.stringify({ device, observedAt, system, interfaces, arp, fdb, lldp, completeness, diagnostics }, null, 2)}\n`);
      } else {
        io.stdout.write(humanSummary(facts));
      }
    }
    return hasErrors(facts.diagnostics) ? EXIT_ERROR : EXIT_OK;
  },
};
